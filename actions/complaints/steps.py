"""The complaint form's steps around the questions: starting it, the read-back, "why?", and cancelling."""

from __future__ import annotations

import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaints import slots
from actions.complaints.read_back import read_back


class ActionStartComplaint(Action):
    """Starts a fresh complaint form with its own id (the key that makes submitting it idempotent)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Explain what will be asked, forget any earlier answers and give the form a new id."""
        dispatcher.utter_message(response="utter_complaint_intro")
        return [*slots.clear_details(), SlotSet(slots.FORM_ID, uuid.uuid4().hex), SlotSet(slots.REFERENCE, None)]


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
        response = f"utter_complaint_why_{slots.field_of(str(slot))}"
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
        status = [SlotSet(slot, None) for slot in slots.STATUS_SLOTS]
        return [*slots.clear_details(), SlotSet(slots.FORM_ID, None), *status]
