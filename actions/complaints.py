"""The complaint form in the chat: starting it, validating each answer, explaining the questions.

Answers live in slots only until the complaint is submitted or cancelled; every way out clears them.
Nothing here logs them. Submitting and the status check are in actions/complaints_submit.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaints_fields import (
    CHANGE_FIELD,
    CONFIRM,
    DATE_TEXT,
    FAILURES,
    FORM_ID,
    REFERENCE,
    SKIPPED,
    clear_details,
    field_to_change,
    read_back,
)
from bot.db.base import utcnow
from bot.services import complaints
from bot.services.complaints import ComplaintError
from bot.services.complaints_dates import DateError, parse_incident_date, today_in_london

FREE_TEXT_MAX = 2000
NARRATIVE_MAX = 5000
# Questions that can be skipped (an answer of "skip", "none", "don't know"...).
SKIPPABLE = frozenset(
    {
        "complaint_email", "complaint_phone", "complaint_date", "complaint_location", "complaint_people",
        "complaint_injury", "complaint_witnesses", "complaint_references", "complaint_outcome",
    }
)
_SKIP = re.compile(
    r"^\s*(?:skip(?: (?:it|this|that))?(?: one| question)?|pass|next(?: question)?|none|no(?:ne)?\s*(?:thanks)?|n/?a|"
    r"nothing|nobody|no one|i don'?t (?:know|have one|have any)|don'?t know|not sure|no idea|i'?d rather not say|"
    r"prefer not to say|i don'?t have (?:an? )?(?:e-?mail|phone|number))\s*[.!]?\s*$",
    re.IGNORECASE,
)
_EXPLICIT_SKIP = re.compile(
    r"^\s*(?:skip(?: (?:it|this|that))?(?: one| question)?|pass|next(?: question)?|i'?d rather not say|"
    r"prefer not to say)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|y|i do|i have|they have|they did|correct|ok(?:ay)?|sure)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|nope|n|not yet|i don'?t|i haven'?t|they haven'?t|not really)\b", re.IGNORECASE)
_UNSURE = re.compile(r"\b(?:not sure|unsure|don'?t know|maybe|no idea)\b", re.IGNORECASE)
_BEHALF = re.compile(
    r"\b(?:behalf|someone else|somebody else|for (?:him|her|them)|my (?:son|daughter|child|mum|mother|dad|father|"
    r"wife|husband|partner|friend|brother|sister|client|grandson|granddaughter|neighbour))\b",
    re.IGNORECASE,
)
_WITNESS = re.compile(r"\b(?:witness|saw|seen|watched|i was there)\b", re.IGNORECASE)
_AFFECTED = re.compile(r"\b(?:me|myself|i was|affected|happened to me|it'?s me|the person)\b", re.IGNORECASE)
_NAME_LEAD_IN = re.compile(r"^\s*(?:my name is|my name's|name:|i'?m|i am|it'?s|this is)\s+", re.IGNORECASE)


def is_skip(text: str) -> bool:
    """The resident chose not to answer ("skip", "none", "don't know")."""
    return bool(_SKIP.match(text or ""))


def _failed(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, first: str) -> dict[str, Any]:
    """Say what was wrong the first time; after two tries explain the question and offer to skip or stop."""
    failures = dict(tracker.get_slot(FAILURES) or {})
    failures[slot] = failures.get(slot, 0) + 1
    if failures[slot] < 2:
        dispatcher.utter_message(response=first)
    else:
        dispatcher.utter_message(response=f"utter_complaint_why_{slot.removeprefix('complaint_')}")
        offer = "utter_complaint_skip_or_stop" if slot in SKIPPABLE else "utter_complaint_stop_offer"
        dispatcher.utter_message(response=offer)
    return {slot: None, FAILURES: failures}


def _free_text(slot: str, value: Any, limit: int = FREE_TEXT_MAX) -> dict[str, Any]:
    # "No" or "none" is an answer here ("any injury?" "none"), kept as typed; only "skip" skips.
    text = str(value or "").strip()
    return {slot: SKIPPED if _EXPLICIT_SKIP.match(text) or not text else text[:limit]}


def _choice(text: str) -> str | None:
    if _UNSURE.search(text):
        return "unsure"
    if _YES.match(text):
        return "yes"
    if _NO.match(text):
        return "no"
    return None


class ValidateComplaintForm(FormValidationAction):
    """Checks each answer as it is typed, asks only the questions that apply, and handles "change something"."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_complaint_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The questions for this resident: permission only on someone's behalf, a preference only with both."""
        has_email = tracker.get_slot("complaint_email") not in (None, SKIPPED)
        has_phone = tracker.get_slot("complaint_phone") not in (None, SKIPPED)
        skip = set()
        if tracker.get_slot("complaint_role") != "behalf":
            skip.add("complaint_permission")
        if not (has_email and has_phone):
            skip.add("complaint_contact_preference")
        if tracker.get_slot(CONFIRM) != "change":
            skip.add(CHANGE_FIELD)
        return [slot for slot in domain_slots if slot not in skip]

    async def validate_complaint_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The person affected, a witness, or on someone's behalf."""
        text = str(value or "")
        for role, pattern in (("behalf", _BEHALF), ("witness", _WITNESS), ("affected", _AFFECTED)):
            if pattern.search(text):
                return {"complaint_role": role, "complaint_permission": None}
        return _failed("complaint_role", dispatcher, tracker, "utter_complaint_role_invalid")

    async def validate_complaint_permission(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Whether the person affected agreed; without it, say the team will need it."""
        answer = _choice(str(value or ""))
        if answer == "yes":
            return {"complaint_permission": "yes"}
        if answer in ("no", "unsure"):
            dispatcher.utter_message(response="utter_complaint_permission_needed")
            return {"complaint_permission": "no"}
        return _failed("complaint_permission", dispatcher, tracker, "utter_complaint_yes_no_invalid")

    async def validate_complaint_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A name: some letters, not too long."""
        name = _NAME_LEAD_IN.sub("", str(value or "")).strip().strip(".")
        if 2 <= len(name) <= 120 and re.search(r"[^\W\d_]", name) and not is_skip(name):
            return {"complaint_name": name}
        return _failed("complaint_name", dispatcher, tracker, "utter_complaint_name_invalid")

    async def validate_complaint_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An e-mail address (lower case), or skipped when there is a phone number instead."""
        text = str(value or "")
        if is_skip(text):
            if tracker.get_slot("complaint_phone") == SKIPPED:
                dispatcher.utter_message(response="utter_complaint_contact_needed")
                return {"complaint_email": None}
            return {"complaint_email": SKIPPED, "complaint_contact_preference": None}
        try:
            return {"complaint_email": complaints.normalise_email(text), "complaint_contact_preference": None}
        except ComplaintError:
            return _failed("complaint_email", dispatcher, tracker, "utter_complaint_email_invalid")

    async def validate_complaint_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A UK phone number, or skipped when there is an e-mail address."""
        text = str(value or "")
        if is_skip(text):
            if tracker.get_slot("complaint_email") in (None, SKIPPED):
                dispatcher.utter_message(response="utter_complaint_contact_needed")
                return {"complaint_phone": None}
            return {"complaint_phone": SKIPPED, "complaint_contact_preference": None}
        try:
            return {"complaint_phone": complaints.normalise_phone(text), "complaint_contact_preference": None}
        except ComplaintError:
            return _failed("complaint_phone", dispatcher, tracker, "utter_complaint_phone_invalid")

    async def validate_complaint_contact_preference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """E-mail or phone."""
        text = str(value or "").lower()
        if re.search(r"e-?mail|write", text):
            return {"complaint_contact_preference": "email"}
        if re.search(r"phone|call|ring|text|mobile", text):
            return {"complaint_contact_preference": "phone"}
        first = "utter_complaint_contact_preference_invalid"
        return _failed("complaint_contact_preference", dispatcher, tracker, first)

    async def validate_complaint_narrative(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What happened, in at least a few words."""
        text = str(value or "").strip()
        if len(text.split()) >= 3 and not is_skip(text):
            return {"complaint_narrative": text[:NARRATIVE_MAX]}
        return _failed("complaint_narrative", dispatcher, tracker, "utter_complaint_narrative_short")

    async def validate_complaint_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A date not in the future ("last Tuesday" is fine); skipped if they don't know."""
        text = str(value or "").strip()
        if is_skip(text):
            return {"complaint_date": SKIPPED, DATE_TEXT: None}
        try:
            day = parse_incident_date(text, today=today_in_london(utcnow()))
        except DateError as exc:
            first = "utter_complaint_date_future" if exc.reason == "future" else "utter_complaint_date_invalid"
            return _failed("complaint_date", dispatcher, tracker, first)
        return {"complaint_date": day.isoformat(), DATE_TEXT: text[:200]}

    async def validate_complaint_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Where it happened (free text)."""
        return _free_text("complaint_location", value)

    async def validate_complaint_people(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Who was involved (free text)."""
        return _free_text("complaint_people", value)

    async def validate_complaint_injury(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Any injury or damage (free text)."""
        return _free_text("complaint_injury", value)

    async def validate_complaint_witnesses(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Any witnesses (free text)."""
        return _free_text("complaint_witnesses", value)

    async def validate_complaint_references(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Any reference numbers (free text)."""
        return _free_text("complaint_references", value)

    async def validate_complaint_outcome(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The outcome they want (free text)."""
        return _free_text("complaint_outcome", value)

    async def validate_complaint_recorded(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes, no or not sure."""
        answer = _choice(str(value or ""))
        if answer is not None:
            return {"complaint_recorded": answer}
        return _failed("complaint_recorded", dispatcher, tracker, "utter_complaint_yes_no_invalid")

    async def validate_complaint_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Submit (the form ends) or change something (asks which part)."""
        if value in ("submit", "change"):
            return {CONFIRM: value, CHANGE_FIELD: None}
        return {CONFIRM: None}

    async def validate_complaint_change_field(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Forget the chosen answer so the form asks it again, then reads everything back again."""
        slot = field_to_change(str(value or ""))
        if slot is None:
            return _failed(CHANGE_FIELD, dispatcher, tracker, "utter_complaint_change_field_invalid")
        failures = {key: count for key, count in (tracker.get_slot(FAILURES) or {}).items() if key != slot}
        changes: dict[str, Any] = {slot: None, CHANGE_FIELD: None, CONFIRM: None, FAILURES: failures}
        if slot in ("complaint_email", "complaint_phone"):
            changes["complaint_contact_preference"] = None
        if slot == "complaint_role":
            changes["complaint_permission"] = None
        if slot == "complaint_date":
            changes[DATE_TEXT] = None
        return changes


class ActionStartComplaint(Action):
    """Starts a fresh complaint form with its own id (the key that makes submitting it idempotent)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Explain what will be asked, forget any earlier answers and give the form a new id."""
        dispatcher.utter_message(response="utter_complaint_intro")
        return [*clear_details(), SlotSet(FORM_ID, uuid.uuid4().hex), SlotSet(REFERENCE, None)]


class ActionAskComplaintConfirm(Action):
    """The read-back: every answer, then submit / change something / cancel."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ask_complaint_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Read every answer back with the three buttons."""
        dispatcher.utter_message(response="utter_complaint_read_back", summary=read_back(tracker))
        return []


class ActionExplainComplaintQuestion(Action):
    """Explains why the form asks the current question (the form then asks it again)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_explain_complaint_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Say why the requested slot is asked."""
        slot = tracker.get_slot("requested_slot") or ""
        response = f"utter_complaint_why_{str(slot).removeprefix('complaint_')}"
        if response not in domain.get("responses", {}):
            response = "utter_complaint_why_general"
        dispatcher.utter_message(response=response)
        return []


class ActionClearComplaint(Action):
    """Forgets the answers when the resident cancels or leaves the form: nothing is stored."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clear_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Clear the answers, the form id and any status-check details."""
        status = ("complaint_status_reference", "complaint_status_email")
        return [*clear_details(), SlotSet(FORM_ID, None), *(SlotSet(slot, None) for slot in status)]
