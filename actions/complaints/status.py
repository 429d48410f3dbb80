"""The complaint status check in the chat: "what's happening with my complaint?" (reference and e-mail).

The check is bot.services.complaints.status_check; the form and the refusals are those of every verified
check (actions.verified_check). Nothing here logs what the resident typed.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaints import slots
from actions.forms import Failures, FormValidation
from actions.verified_check import CheckTopic, reference_unless_locked, run_check
from bot.services.complaints import answers, references, status_check
from bot.services.complaints.details import TEAM_PHONE, ComplaintError
from bot.services.parsing.dates import long_date

CHECK = CheckTopic(
    "complaint",
    ComplaintError,
    no_match="utter_complaint_status_no_match",
    locked="utter_complaint_status_locked",
    unavailable="utter_complaint_status_unavailable",
    arguments={"team_phone": TEAM_PHONE},
)


class ValidateComplaintStatusForm(FormValidation):
    """Normalises the reference and e-mail as they are typed, explaining a malformed one once."""

    FAILURES = Failures(slots.FAILURES)
    INVALID = {
        slots.STATUS_REFERENCE: "utter_complaint_status_reference_invalid",
        slots.STATUS_EMAIL: "utter_complaint_email_invalid",
    }
    NORMALISERS = {slots.STATUS_REFERENCE: references.normalise_reference, slots.STATUS_EMAIL: answers.normalise_email}
    SHORT_ANSWERS = frozenset({slots.STATUS_REFERENCE, slots.STATUS_EMAIL})

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_complaint_status_form"

    def help_after_failures(self, slot: str) -> list[str]:
        """What to type, for either detail."""
        return ["utter_complaint_status_help"]

    async def validate_complaint_status_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A CRT-YYYY-NNNNN reference; ends the form early if checks are locked for this conversation."""
        events = self.normalised(slots.STATUS_REFERENCE, value, dispatcher, tracker)
        if (reference := events[slots.STATUS_REFERENCE]) is None:
            return events
        return await reference_unless_locked(
            CHECK, status_check.current_lock, slots.STATUS_REFERENCE, reference, tracker
        )


class ActionCheckComplaintStatus(Action):
    """Checks the reference and e-mail in one unit of work, says the outcome, and forgets them."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_check_complaint_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Say the complaint's status (or why not) and clear the entered details."""
        reference, email = (tracker.get_slot(slot) for slot in slots.STATUS_SLOTS)
        found = await run_check(
            dispatcher, CHECK, status_check.check_status, tracker, reference=reference or "", email=email
        )
        if found is not None:
            dispatcher.utter_message(
                response="utter_complaint_status_found",
                reference=found.reference,
                submitted_on=long_date(found.submitted_on),
                status_text=found.status_text,
                team_phone=TEAM_PHONE,
            )
        return [SlotSet(slot, None) for slot in (*slots.STATUS_SLOTS, slots.FAILURES)]


class ActionClearComplaintStatus(Action):
    """Forgets the status check's details when the resident stops it; a complaint waiting to be sent is kept."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clear_complaint_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Clear the reference and e-mail typed for the check (not the complaint form's answers)."""
        return [SlotSet(slot, None) for slot in (*slots.STATUS_SLOTS, slots.FAILURES)]
