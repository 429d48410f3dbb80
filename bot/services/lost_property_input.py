"""What residents type into the lost-item form: the item, the place, the day, a name and a contact.

Every check raises LostPropertyError with a reason code, never the text itself, so callers can log the reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.services.lost_property import LostPropertyError

ITEM_MAX = 200
PLACE_MAX = 200
NAME_MAX = 80
CONTACT_MAX = 254
OLDEST = timedelta(days=366)  # found items are not kept longer than this, so an older loss cannot be searched

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3, "couple of": 2, "few": 3}
_NUMBER = r"(\d{1,2}|a couple of|couple of|a few|few|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_AGO = re.compile(_NUMBER + r"\s+(day|night|week|month)s?\s+ago")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b(?:\s+(\d{4}))?")
_MONTH_DAY = re.compile(r"\b([a-z]{3,9})\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_NAME = re.compile(r"^[^\W\d_]+(?:[\s'’.\-]+[^\W\d_]+)*\.?$")
_NAME_LEAD_IN = re.compile(r"^\s*(?:(?:my\s+)?name\s*(?:is|'s|:)?|it'?s|i'?m|i\s+am|call\s+me)\s+", re.IGNORECASE)


def normalise_item(raw: str) -> str:
    """A lost item's description, trimmed; refuses text with no letters or that is too long."""
    text = " ".join((raw or "").split())
    if not re.search(r"[^\W\d_]{2,}", text):
        raise LostPropertyError("item_empty")
    if len(text) > ITEM_MAX:
        raise LostPropertyError("item_too_long")
    return text


def normalise_place(raw: str) -> str:
    """Where an item was lost, trimmed; refuses text with no letters or that is too long."""
    text = " ".join((raw or "").split())
    if not re.search(r"[^\W\d_]{2,}", text):
        raise LostPropertyError("place_empty")
    if len(text) > PLACE_MAX:
        raise LostPropertyError("place_too_long")
    return text


def _relative(text: str, today: date) -> date | None:
    if re.search(r"\btomorrow\b", text):
        return today + timedelta(days=1)  # refused as in the future, with its own explanation
    if re.search(r"\b(today|this (morning|afternoon|evening)|tonight|earlier|just now)\b", text):
        return today
    if re.search(r"\b(yesterday|last night)\b", text):
        return today - timedelta(days=1)
    if re.search(r"\b(day before yesterday)\b", text):
        return today - timedelta(days=2)
    match = _AGO.search(text)
    if match:
        count = int(match.group(1)) if match.group(1).isdigit() else _NUMBERS[match.group(1)]
        unit = {"day": 1, "night": 1, "week": 7, "month": 30}[match.group(2)]
        return today - timedelta(days=count * unit)
    if re.search(r"\blast week\b", text):
        return today - timedelta(days=7)
    if re.search(r"\b(last weekend|at the weekend|over the weekend)\b", text):
        return today - timedelta(days=(today.weekday() - 5) % 7 or 7)  # the Saturday just gone
    tokens = [{"weds": "wed"}.get(token, token) for token in re.findall(r"[a-z]+", text)]
    for index, name in enumerate(_WEEKDAYS):
        if any(len(token) >= 3 and name.startswith(token) for token in tokens):
            back = (today.weekday() - index) % 7
            if back == 0 and re.search(r"\blast\b", text):
                back = 7
            return today - timedelta(days=back)
    return None


def _year(raw: str | None, day: int, month: int, today: date) -> date:
    if raw:
        year = int(raw) + (2000 if len(raw) == 2 else 0)
        return date(year, month, day)
    guess = date(today.year, month, day)
    return guess if guess <= today else date(today.year - 1, month, day)  # "12 December" said in January


def _absolute(text: str, today: date) -> date | None:
    if match := _ISO.search(text):
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.search(text):
        # Day first, as in the UK.
        return _year(match.group(3), int(match.group(1)), int(match.group(2)), today)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(text):
            month = _MONTHS.get(match.group(month_group))
            if month:
                return _year(match.group(3), int(match.group(day_group)), month, today)
    return None


def parse_lost_date(raw: str, *, today: date) -> date:
    """The day something was lost, from "yesterday", "last Saturday", "3 days ago", "14/11", "14 Nov" and the like.

    LostPropertyError reasons: "date_format" (not a date), "date_future", "date_too_old".
    """
    text = " ".join((raw or "").lower().replace(",", " ").split())
    try:
        day = _relative(text, today) or _absolute(text, today)
    except ValueError as exc:  # 31/02 and the like
        raise LostPropertyError("date_format") from exc
    if day is None:
        raise LostPropertyError("date_format")
    if day > today:
        raise LostPropertyError("date_future")
    if day < today - OLDEST:
        raise LostPropertyError("date_too_old")
    return day


def normalise_name(raw: str) -> str:
    """The name staff should ask for, trimmed; refuses digits, symbols and long text."""
    text = " ".join(_NAME_LEAD_IN.sub("", raw or "").split()).strip()
    if not text or len(text) > NAME_MAX or not _NAME.match(text):
        raise LostPropertyError("name_format")
    return text


def normalise_contact(raw: str) -> str:
    """An e-mail address (lower case) or a UK phone number (digits, +44 made 0); refuses anything else."""
    text = (raw or "").strip().strip(".")
    if "@" in text:
        email = text.split()[-1].strip("<>().,").lower() if " " in text else text.lower()
        if len(email) <= CONTACT_MAX and _EMAIL.match(email):
            return email
        raise LostPropertyError("contact_format")
    digits = re.sub(r"[\s()\-.]", "", text)
    digits = re.sub(r"^(?:\+44|0044)0?", "0", digits)
    if re.fullmatch(r"0\d{9,10}", digits):
        return digits
    raise LostPropertyError("contact_format")
