"""The complaint form's slots: their order, labels, the read-back, and turning them into ComplaintDetails."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.services.complaints import ComplaintDetails

SKIPPED = "skipped"  # the value of a question the resident chose to skip
FORM_ID = "complaint_form_id"  # set when a form starts: with the sender id, the idempotency key of its submission
FAILURES = "complaint_failures"  # {slot: failed tries} in this form
DATE_TEXT = "complaint_date_text"  # the date as typed ("last Tuesday"), kept for the staff
CHANGE_FIELD = "complaint_change_field"
CONFIRM = "complaint_confirm"
REFERENCE = "complaint_reference"  # the last ticket made in this conversation (not personal data)

# In the order asked; the read-back lists them in this order too.
LABELS: dict[str, str] = {
    "complaint_role": "Who is complaining",
    "complaint_permission": "Their permission",
    "complaint_name": "Your name",
    "complaint_email": "Email",
    "complaint_phone": "Phone",
    "complaint_contact_preference": "Best way to contact you",
    "complaint_narrative": "What happened",
    "complaint_date": "When",
    "complaint_location": "Where",
    "complaint_people": "Who was involved",
    "complaint_injury": "Injury or damage",
    "complaint_witnesses": "Witnesses",
    "complaint_references": "Reference numbers",
    "complaint_outcome": "The outcome you want",
    "complaint_recorded": "Formally recorded",
}
DETAIL_SLOTS = (*LABELS, DATE_TEXT, CHANGE_FIELD, CONFIRM, FAILURES)
ROLE_TEXT = {"affected": "I was affected", "witness": "I saw it (a witness)", "behalf": "On someone else's behalf"}
ANSWER_TEXT = {"yes": "Yes", "no": "No", "unsure": "Not sure yet", "email": "Email", "phone": "Phone"}

# Words that pick a field to change, tried in this order (the first match wins).
_CHANGE_WORDS: tuple[tuple[str, str], ...] = (
    (r"e-?mail", "complaint_email"),
    (r"prefer|best way|contact method", "complaint_contact_preference"),
    (r"phone|mobile|number to call|telephone", "complaint_phone"),
    (r"permission|consent", "complaint_permission"),
    (r"\bname\b", "complaint_name"),
    (r"who (?:is|was|am) complaining|witness of|behalf|affected|role", "complaint_role"),
    (r"witness", "complaint_witnesses"),
    (r"what happened|story|account|description", "complaint_narrative"),
    (r"when|date|day", "complaint_date"),
    (r"where|place|location|address", "complaint_location"),
    (r"who was involved|officer|involved|people", "complaint_people"),
    (r"injur|damage|hurt", "complaint_injury"),
    (r"reference|crime number|incident number", "complaint_references"),
    (r"outcome|want to happen|result", "complaint_outcome"),
    (r"record|formal", "complaint_recorded"),
)


def clear_details() -> list[EventType]:
    """Events that forget everything typed into the complaint form (the form id and reference stay)."""
    return [SlotSet(slot, None) for slot in DETAIL_SLOTS]


def field_to_change(text: str) -> str | None:
    """The slot a resident wants to change, from what they typed or the button they pressed."""
    lowered = (text or "").lower()
    for pattern, slot in _CHANGE_WORDS:
        if re.search(pattern, lowered):
            return slot
    return None


def _given(value: Any) -> str:
    return "" if value in (None, SKIPPED) else str(value)


def long_date(day: date) -> str:
    """A date as residents write it: "Tuesday 17 November 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def shown(slot: str, value: Any) -> str:
    """A slot's value as the read-back shows it."""
    if value in (None, SKIPPED, ""):
        return "not given"
    if slot == "complaint_role":
        return ROLE_TEXT.get(str(value), str(value))
    if slot == "complaint_date":
        return long_date(date.fromisoformat(str(value)))
    return ANSWER_TEXT.get(str(value), str(value)) if slot in _CHOICE_SLOTS else str(value)


_CHOICE_SLOTS = ("complaint_permission", "complaint_contact_preference", "complaint_recorded")


def read_back(tracker: Tracker) -> str:
    """Every answer, one per line, for the resident to check before submitting."""
    lines = []
    for slot, label in LABELS.items():
        value = tracker.get_slot(slot)
        if value is None and slot in ("complaint_permission", "complaint_contact_preference"):
            continue  # only asked in some forms
        lines.append(f"- {label}: {shown(slot, value)}")
    return "\n".join(lines)


def details_from(tracker: Tracker) -> ComplaintDetails | None:
    """The validated answers as ComplaintDetails, or None when the form's answers are gone or incomplete."""
    role, name, narrative = (tracker.get_slot(f"complaint_{field}") for field in ("role", "name", "narrative"))
    if not role or not name or not narrative:
        return None
    email, phone = _given(tracker.get_slot("complaint_email")), _given(tracker.get_slot("complaint_phone"))
    only = "email" if email else "phone" if phone else ""
    preference = _given(tracker.get_slot("complaint_contact_preference")) or only
    raw_date = _given(tracker.get_slot("complaint_date"))
    permission = tracker.get_slot("complaint_permission")
    recorded = tracker.get_slot("complaint_recorded")
    return ComplaintDetails(
        complainant_role=str(role),
        name=str(name),
        narrative=str(narrative),
        has_permission=None if permission is None else permission == "yes",
        email=email,
        phone=phone,
        preferred_contact=preference,
        incident_date=date.fromisoformat(raw_date) if raw_date else None,
        incident_when=_given(tracker.get_slot(DATE_TEXT))[:200],
        location=_given(tracker.get_slot("complaint_location")),
        people_involved=_given(tracker.get_slot("complaint_people")),
        injury_or_damage=_given(tracker.get_slot("complaint_injury")),
        witnesses=_given(tracker.get_slot("complaint_witnesses")),
        reference_numbers=_given(tracker.get_slot("complaint_references")),
        desired_outcome=_given(tracker.get_slot("complaint_outcome")),
        wants_recorded={"yes": True, "no": False}.get(str(recorded)),
    )
