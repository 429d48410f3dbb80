"""The complaint form's answers: read back for the resident to check, and turned into ComplaintDetails."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker

from actions.complaints import slots
from actions.forms import SKIPPED
from bot.services.complaints.details import ComplaintDetails
from bot.services.parsing.dates import long_date

# Every question's label, in the order asked.
LABELS: dict[str, str] = {
    slots.ROLE: "Who is complaining",
    slots.PERMISSION: "Their permission",
    slots.NAME: "Your name",
    slots.EMAIL: "Email",
    slots.PHONE: "Phone",
    slots.CONTACT_PREFERENCE: "Best way to contact you",
    slots.NARRATIVE: "What happened",
    slots.DATE: "When",
    slots.LOCATION: "Where",
    slots.PEOPLE: "Who was involved",
    slots.INJURY: "Injury or damage",
    slots.WITNESSES: "Witnesses",
    slots.REFERENCES: "Reference numbers",
    slots.OUTCOME: "The outcome you want",
    slots.RECORDED: "Formally recorded",
}
ROLE_TEXT = {"affected": "I was affected", "witness": "I saw it (a witness)", "behalf": "On someone else's behalf"}
ANSWER_TEXT = {"yes": "Yes", "no": "No", "unsure": "Not sure yet", "email": "Email", "phone": "Phone"}
_CHOICE_SLOTS = (slots.PERMISSION, slots.CONTACT_PREFERENCE, slots.RECORDED)
_ASKED_IN_SOME_FORMS = (slots.PERMISSION, slots.CONTACT_PREFERENCE)


def _given(value: Any) -> str:
    return "" if value in (None, SKIPPED) else str(value)


def shown(slot: str, value: Any) -> str:
    """A slot's value as the read-back shows it."""
    if value in (None, SKIPPED, ""):
        return "not given"
    if slot == slots.ROLE:
        return ROLE_TEXT.get(str(value), str(value))
    if slot == slots.DATE:
        return long_date(date.fromisoformat(str(value)))
    return ANSWER_TEXT.get(str(value), str(value)) if slot in _CHOICE_SLOTS else str(value)


def read_back(tracker: Tracker) -> str:
    """Every answer, one per line, for the resident to check before submitting."""
    lines = []
    for slot, label in LABELS.items():
        value = tracker.get_slot(slot)
        if value is None and slot in _ASKED_IN_SOME_FORMS:
            continue
        lines.append(f"- {label}: {shown(slot, value)}")
    return "\n".join(lines)


def details_from(tracker: Tracker) -> ComplaintDetails | None:
    """The validated answers as ComplaintDetails, or None when the form's answers are gone or incomplete."""
    role, name, narrative = (tracker.get_slot(slot) for slot in (slots.ROLE, slots.NAME, slots.NARRATIVE))
    if not role or not name or not narrative:
        return None
    answer = {slot: _given(tracker.get_slot(slot)) for slot in (*slots.QUESTIONS, slots.DATE_TEXT)}
    only = "email" if answer[slots.EMAIL] else "phone" if answer[slots.PHONE] else ""
    permission = tracker.get_slot(slots.PERMISSION)
    return ComplaintDetails(
        complainant_role=str(role),
        name=str(name),
        narrative=str(narrative),
        has_permission=None if permission is None else permission == "yes",
        email=answer[slots.EMAIL],
        phone=answer[slots.PHONE],
        preferred_contact=answer[slots.CONTACT_PREFERENCE] or only,
        incident_date=date.fromisoformat(answer[slots.DATE]) if answer[slots.DATE] else None,
        incident_when=answer[slots.DATE_TEXT][:200],
        location=answer[slots.LOCATION],
        people_involved=answer[slots.PEOPLE],
        injury_or_damage=answer[slots.INJURY],
        witnesses=answer[slots.WITNESSES],
        reference_numbers=answer[slots.REFERENCES],
        desired_outcome=answer[slots.OUTCOME],
        wants_recorded={"yes": True, "no": False}.get(str(tracker.get_slot(slots.RECORDED))),
    )
