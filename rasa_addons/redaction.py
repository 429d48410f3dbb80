"""The redaction rules: personal data in free text replaced by a typed placeholder ("[email]", "[postcode]"...).

One module, standard library only, shared by the tracker store (what is kept of a conversation) and the log
filter of every process (what a log line may say). Rules run in a fixed order, the most specific first, so a
bank card number is not half-taken by the phone rule. Over-redaction is the safe side: "B4 2AM" becomes
"[postcode]" because it is one.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable

Replacement = Callable[["re.Match[str]"], str]

PLACEHOLDER = re.compile(r"\[[a-z][a-z-]*\]")  # what a placeholder looks like: never redacted again
_SEP = r"[\s\-.()]*"  # between the digits of a phone or card number


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match[0])
    return "[card]" if 13 <= len(digits) <= 19 and _luhn(digits) else match[0]


def _year_is_birth(year: str) -> bool:
    value = int(year)
    if len(year) == 2:
        value += 1900 if value > datetime.date.today().year % 100 else 2000
    return 1900 <= value <= datetime.date.today().year - 10


_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NUMERIC_DATE = r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(\d{4}|\d{2})"
_TEXT_DATE = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+(\d{{4}})"
_YEAR_FIRST_DATE = r"(\d{4})\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}"  # 1990-02-01, as forms and phones write it
_ANY_DATE = rf"(?:{_NUMERIC_DATE}|{_TEXT_DATE}|{_YEAR_FIRST_DATE}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
_BIRTH_CUE = r"(?:born(?:\s+on)?|birthday(?:\s+is)?|date\s+of\s+birth|d\.?\s?o\.?\s?b\.?)\s*(?:is|was|:)?\s*"


def _date(match: re.Match[str]) -> str:
    year = match[1] or match[2] or match[3]
    return "[date-of-birth]" if year and _year_is_birth(year) else match[0]


_RELATIONS = (
    r"partner|husband|wife|boyfriend|girlfriend|ex|ex-partner|ex-husband|ex-wife|fianc[eé]e?|son|daughter|"
    r"mum|mother|dad|father|brother|sister|stepdad|stepmum|uncle|aunt|cousin|neighbour|friend|carer|landlord|"
    r"lodger|flatmate|colleague|boss|manager|child|kid"
)
_TITLES = r"mr|mrs|ms|miss|mx|dr|pc|dc|ds|di|sgt|sergeant|inspector|officer|constable"
_NAME = r"[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+){0,2}"
# After "my name is" the name may be typed in lower case; these words end it.
_NOT_NAME = (
    r"and|but|or|so|because|i|im|i'm|my|me|the|a|an|is|was|from|in|at|on|of|to|and|please|thanks|thank|"
    r"live|lives|living|here|there|calling|writing|aged|age|years|yrs|old|email|phone|number|mobile"
)
_LOWER_NAME = rf"(?!(?:{_NOT_NAME})\b)[a-zA-Z][a-zA-Z'\-]+(?:\s+(?!(?:{_NOT_NAME})\b)[a-zA-Z][a-zA-Z'\-]+){{0,2}}"
_STREETS = r"road|rd|street|st|avenue|ave|lane|close|drive|crescent|gardens|grove|terrace|mews|way|place"
_NOT_STREET_NAME = r"the|a|an|of|on|in|at|to|this|that|my|your|his|her|their|our|one|two|more|whole"


def _named(group: str, placeholder: str) -> Replacement:
    """Replace only the named group of a match (the name, not the words that announce it)."""

    def replace(match: re.Match[str]) -> str:
        start, end = match.span(group)
        offset = match.start()
        return match[0][: start - offset] + placeholder + match[0][end - offset :]

    return replace

# (pattern, flags, replacement: a placeholder or a function of the match), in the order they run.
RULES: list[tuple[str, int, str | Replacement]] = [
    # E-mail addresses, also "jo at example dot org".
    # Each starts only where a run of its characters starts: tried inside the run too, a long run is quadratic.
    (r"(?<![A-Za-z0-9._%+'\-])[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", 0, "[email]"),
    (r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+\s+at\s+[A-Za-z0-9\-]+(?:\s+dot\s+[A-Za-z]{2,})+\b", re.IGNORECASE,
     "[email]"),
    # Bank card numbers: 13 to 19 digits, in groups or not, that pass the Luhn check.
    (r"(?<![\d])\d(?:[\s\-]*\d){12,18}(?![\d])", 0, _card),
    # Phone numbers in the international form first: "+44 20 7946 0958" is no crime reference.
    (rf"(?<![\d+])(?:\+|00){_SEP}44{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d){{8,9}}(?!\d)", 0, "[phone]"),
    # References given to residents: complaints (CRT-2026-00042), lost reports (LP-7KQ3MX), crimes (41/12345/24
    # in every form bot.services.cases.details accepts, of any force).
    (r"(?<![A-Z0-9])CRT\s*[-/ ]?\s*\d{4}\s*[-/ ]?\s*\d{1,5}(?!\d)", re.IGNORECASE, "[complaint-ref]"),
    (r"(?<![A-Z0-9])LP\s*-?\s*[A-Z0-9]{6}(?![A-Z0-9])", re.IGNORECASE, "[lost-ref]"),
    (r"(?<![\d/])\d{2}\s*[/\\.\-\s]\s*\d{3,7}\s*[/\\.\-\s]\s*(?:\d{4}|\d{2})(?![\d/])", 0, "[crime-ref]"),
    # Dates of birth: any date after a cue ("born on", "DOB"), and full dates in a year of birth.
    (rf"\b{_BIRTH_CUE}(?P<date>{_ANY_DATE}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}|{_MONTHS}\s+\d{{1,2}})",
     re.IGNORECASE, _named("date", "[date-of-birth]")),
    (rf"(?<![\d/])(?:{_NUMERIC_DATE}|{_TEXT_DATE}|{_YEAR_FIRST_DATE})(?![\d/])", re.IGNORECASE, _date),
    # UK phone numbers: 07..., 01..., 02..., 03..., 05, 08..., +44 (0)..., 0044 ..., spaced, dashed or not.
    (rf"(?<![\d+])(?:(?:\+|00){_SEP}44{_SEP}(?:\(0\){_SEP})?|\(?0{_SEP})\d(?:{_SEP}\d){{8,9}}(?!\d)", 0, "[phone]"),
    # National Insurance numbers and vehicle registrations.
    (r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE, "[ni-number]"),
    (r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", re.IGNORECASE, "[vehicle-reg]"),
    # UK postcodes, spaced or not ("AL1 3AB", "al13ab", "GIR 0AA").
    (r"(?<![A-Za-z0-9])(?:GIR\s*0AA|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})(?![A-Za-z0-9])", re.IGNORECASE, "[postcode]"),
    # A house number and street ("12 Acacia Avenue", "flat 3, 4 High St").
    (rf"\b(?:flat\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+(?:(?!(?:{_NOT_STREET_NAME})\b)[A-Za-z'\-]+\s+){{1,3}}"
     rf"(?:{_STREETS})\b", re.IGNORECASE, "[address]"),
    # Names: said as such, after a title, or after a relation ("my partner Dave").
    (rf"(?i:\b(?:my\s+name\s+is|my\s+name's|i'm\s+called|i\s+am\s+called|name\s*:)\s*)(?P<name>{_LOWER_NAME})",
     0, _named("name", "[name]")),
    (rf"(?i:\b(?:{_TITLES})\.?\s+)(?P<name>{_NAME})", 0, _named("name", "[name]")),
    (rf"(?i:\b(?:my|our|her|his|their)\s+(?:{_RELATIONS}),?\s+)(?P<name>{_NAME})", 0, _named("name", "[name]")),
]
_COMPILED = [(re.compile(pattern, flags), replacement) for pattern, flags, replacement in RULES]


def plain(text: str) -> str:
    """The text as the rules read it: lookalike characters plain, invisible ones gone."""
    # NFKC: full-width "\uff10\uff17" is "07", a non-breaking space a space. Invisible characters (zero-width spaces
    # and joiners, soft hyphens) would otherwise split a phone number or an e-mail address where the reader sees none.
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", "".join(char for char in text if unicodedata.category(char) != "Cf"))


def _protect(text: str, keep: Iterable[str]) -> tuple[str, dict[str, str]]:
    """Swap the public numbers to keep (a helpline in the assistant's answer) for markers the rules ignore."""
    kept: dict[str, str] = {}
    for number in map(plain, keep):
        if number and number in text:
            marker = f"\x00{chr(0xE000 + len(kept))}\x00"  # no digit or letter a rule could match
            kept[marker] = number
            text = text.replace(number, marker)
    return text, kept


def redact(text: str, *, keep: Iterable[str] = ()) -> str:
    """The text with every piece of personal data the rules recognise replaced by its placeholder.

    `keep`: strings left as they are (public phone numbers the assistant itself gives). The text comes back as
    `plain` reads it: lookalike characters plain, invisible ones gone.
    """
    if not text:
        return text
    text, kept = _protect(plain(text), keep)
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    for marker, number in kept.items():
        text = text.replace(marker, number)
    return text


def redact_values(text: str, values: Iterable[tuple[str, str]]) -> str:
    """The text with each known value (a name typed into a form) replaced by its placeholder, whole words only."""
    text = plain(text)
    for value, placeholder in sorted(values, key=lambda item: -len(item[0])):
        value = plain(value).strip()
        if len(value) < 2 or PLACEHOLDER.fullmatch(value):
            continue
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", placeholder, text, flags=re.IGNORECASE)
    return text


def redact_data(value: object, *, keep: Iterable[str] = ()) -> object:
    """Every string in a JSON-like value (dicts, lists) redacted; keys and other values kept."""
    if isinstance(value, str):
        return redact(value, keep=keep)
    if isinstance(value, list):
        return [redact_data(item, keep=keep) for item in value]
    if isinstance(value, dict):
        return {key: redact_data(item, keep=keep) for key, item in value.items()}
    return value


def findall(text: str) -> list[str]:
    """Every piece of text a rule would replace (to list the public numbers an answer gives, for `keep`)."""
    found, text = [], plain(text or "")
    for pattern, replacement in _COMPILED:
        for match in pattern.finditer(text):
            if not callable(replacement) or replacement(match) != match[0]:
                found.append(match[0])
    return found
