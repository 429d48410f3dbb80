"""What residents type into the complaint form, and the rules each answer must meet. Pure.

Field names are the form's questions without the slot prefix ("email" for complaint_email). Every rule raises
ComplaintError with the field and a reason, never the text, or returns None for an answer it cannot read.
"""

from __future__ import annotations

import re
from datetime import date

from bot.services.complaints.details import ComplaintError
from bot.services.parsing import contact, names, parsed, replies
from bot.services.parsing.dates import DateRules, parse_day

FREE_TEXT_MAX = 2000
NARRATIVE_MAX = 5000
NAME_MAX = 120
# Incident dates: a month alone will do ("in March"), and anything before 1950 is a typing slip.
INCIDENT_DATES = DateRules(earliest_year=1950, month_only=True)
# Questions that can be skipped (an answer of "skip", "none", "don't know"...).
SKIPPABLE = frozenset(
    {"email", "phone", "date", "location", "people", "injury", "witnesses", "references", "outcome"}
)

_BEHALF = re.compile(
    r"\b(?:behalf|someone else|somebody else|for (?:him|her|them)|my (?:son|daughter|child|mum|mother|dad|father|"
    r"wife|husband|partner|friend|brother|sister|client|grandson|granddaughter|neighbour))\b",
    re.IGNORECASE,
)
_WITNESS = re.compile(r"\b(?:witness|saw|seen|watched|i was there)\b", re.IGNORECASE)
_AFFECTED = re.compile(r"\b(?:me|myself|i was|affected|happened to me|it'?s me|the person)\b", re.IGNORECASE)
_EMAIL_PREFERRED = re.compile(r"e-?mail|write")
_PHONE_PREFERRED = re.compile(r"phone|call|ring|text|mobile")
_LETTER = re.compile(r"[^\W\d_]")

# Words that pick a field to change, tried in this order (the first match wins).
_CHANGE_WORDS: tuple[tuple[str, str], ...] = (
    (r"e-?mail", "email"),
    (r"prefer|best way|contact method", "contact_preference"),
    (r"phone|mobile|number to call|telephone", "phone"),
    (r"permission|consent", "permission"),
    (r"\bname\b", "name"),
    (r"who (?:is|was|am) complaining|witness of|behalf|affected|role", "role"),
    (r"witness", "witnesses"),
    (r"what happened|story|account|description", "narrative"),
    (r"when|date|day", "date"),
    (r"where|place|location|address", "location"),
    (r"who was involved|officer|involved|people", "people"),
    (r"injur|damage|hurt", "injury"),
    (r"reference|crime number|incident number", "references"),
    (r"outcome|want to happen|result", "outcome"),
    (r"record|formal", "recorded"),
)


def normalise_role(text: str) -> str:
    """Who is complaining: "behalf" (for someone else), "witness" or "affected"."""
    for role, pattern in (("behalf", _BEHALF), ("witness", _WITNESS), ("affected", _AFFECTED)):
        if pattern.search(text or ""):
            return role
    raise ComplaintError("role")


def normalise_contact_preference(text: str) -> str:
    """The way of contact a resident prefers: "email" or "phone"."""
    for method, pattern in (("email", _EMAIL_PREFERRED), ("phone", _PHONE_PREFERRED)):
        if pattern.search((text or "").lower()):
            return method
    raise ComplaintError("contact_preference")


def normalise_recorded(text: str) -> str:
    """Whether the complaint should be formally recorded: "yes", "no" or "unsure"."""
    answer = replies.yes_no(text)
    if answer is None:
        raise ComplaintError("recorded")
    return answer


# Words no name has, in a sentence of four or more words: "I want to take my complaint further" typed at the name
# question. Names are otherwise taken as typed (any script, any length up to NAME_MAX), so no real name is refused.
_SENTENCE_WORDS = frozenset({"my", "want", "complaint", "complain", "complaining", "i'm", "im"})


def normalise_name(text: str) -> str:
    """The complainant's name as typed, without "my name is": some letters, 2 to NAME_MAX characters, no sentence."""
    name = names.without_lead_in(text).strip(".")
    if not 2 <= len(name) <= NAME_MAX or not _LETTER.search(name) or replies.is_skip(name):
        raise ComplaintError("name")
    words = [word.strip(".,!?").replace("\u2019", "'") for word in name.lower().split()]
    if len(words) >= 4 and _SENTENCE_WORDS.intersection(words):
        raise ComplaintError("name")
    return name


def normalise_email(text: str) -> str:
    """A trimmed, lower-case e-mail address."""
    return parsed(contact.normalise_email, text, lambda reason: ComplaintError("email"))


def normalise_phone(text: str) -> str:
    """A UK phone number as digits ("07700900123")."""
    return parsed(contact.normalise_phone, text, lambda reason: ComplaintError("phone"))


def normalise_narrative(text: str) -> str:
    """What happened, in at least three words (kept up to NARRATIVE_MAX characters)."""
    text = (text or "").strip()
    if len(text.split()) < 3 or replies.is_skip(text):
        raise ComplaintError("narrative")
    return text[:NARRATIVE_MAX]


def parse_incident_date(text: str, *, today: date) -> date:
    """The day of the incident ("last Tuesday", "3/4/2026", "in March 2025"); ComplaintError "format" or "future"."""
    return parsed(
        lambda typed: parse_day(typed, today=today, rules=INCIDENT_DATES), text, lambda why: ComplaintError("date", why)
    )


def field_to_change(text: str) -> str | None:
    """The field a resident wants to change, from what they typed or the button they pressed."""
    lowered = (text or "").lower()
    return next((field for pattern, field in _CHANGE_WORDS if re.search(pattern, lowered)), None)
