"""The complaint forms' slots: every slot name once, and what forgetting the answers means.

The form's question slots are "complaint_" and the question's field name (bot.services.complaints.answers).
"""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

PREFIX = "complaint_"

# The questions, in the order asked (the read-back lists them in this order too).
ROLE = "complaint_role"
PERMISSION = "complaint_permission"
NAME = "complaint_name"
EMAIL = "complaint_email"
PHONE = "complaint_phone"
CONTACT_PREFERENCE = "complaint_contact_preference"
NARRATIVE = "complaint_narrative"
DATE = "complaint_date"
LOCATION = "complaint_location"
PEOPLE = "complaint_people"
INJURY = "complaint_injury"
WITNESSES = "complaint_witnesses"
REFERENCES = "complaint_references"
OUTCOME = "complaint_outcome"
RECORDED = "complaint_recorded"
QUESTIONS = (
    ROLE, PERMISSION, NAME, EMAIL, PHONE, CONTACT_PREFERENCE, NARRATIVE, DATE, LOCATION, PEOPLE, INJURY, WITNESSES,
    REFERENCES, OUTCOME, RECORDED,
)

# The form's own state.
DATE_TEXT = "complaint_date_text"  # the date as typed ("last Tuesday"), kept for the staff
CHANGE_FIELD = "complaint_change_field"
CONFIRM = "complaint_confirm"
FAILURES = "complaint_failures"  # {slot: failed tries} in this form (and in the status form)
FORM_ID = "complaint_form_id"  # set when a form starts: with the sender id, the idempotency key of its submission
REFERENCE = "complaint_reference"  # the last ticket made in this conversation (not personal data)

# The status check's form.
STATUS_REFERENCE = "complaint_status_reference"
STATUS_EMAIL = "complaint_status_email"
STATUS_SLOTS = (STATUS_REFERENCE, STATUS_EMAIL)

DETAIL_SLOTS = (*QUESTIONS, DATE_TEXT, CHANGE_FIELD, CONFIRM, FAILURES)


def slot_of(field: str) -> str:
    """The slot of a question's field ("email" -> complaint_email)."""
    return PREFIX + field


def field_of(slot: str) -> str:
    """The field of a question's slot (complaint_email -> "email")."""
    return slot.removeprefix(PREFIX)


def clear_details() -> list[EventType]:
    """Events that forget everything typed into the complaint form (the form id and reference stay)."""
    return [SlotSet(slot, None) for slot in DETAIL_SLOTS]
