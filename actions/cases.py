"""Track My Crime in the chat: the form's validation and the status check, over bot.services.cases.

The details a victim types live in slots only until the check; every path out of the form clears them.
Nothing here logs them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import Failures, FormValidation
from actions.verified_check import CheckTopic, reference_unless_locked, run_check
from bot.services.cases import details, status
from bot.services.cases.details import CaseDetailError
from bot.services.cases.status import CaseStatus
from bot.services.parsing.dates import long_date

REFERENCE = "case_reference"
SURNAME = "case_surname"
POSTCODE = "case_postcode"
DETAIL_SLOTS = (REFERENCE, SURNAME, POSTCODE)
HINTS_SLOT = "case_hints_given"  # the detail slots whose format was already explained in this form
CHECK = CheckTopic(
    "case",
    CaseDetailError,  # only when the form ended without every detail (a lock that expired since)
    no_match="utter_case_status_no_match",
    locked="utter_case_status_locked",
    unavailable="utter_case_status_unavailable",
)


def clear_details() -> list[EventType]:
    """Events that forget every detail the victim typed into the form."""
    return [SlotSet(slot, None) for slot in DETAIL_SLOTS] + [SlotSet(HINTS_SLOT, None)]


class ValidateCaseStatusForm(FormValidation):
    """Normalises each detail as it is typed and explains what a valid one looks like (once; then the help)."""

    FAILURES = Failures(HINTS_SLOT, listed=True)
    INVALID = {
        REFERENCE: "utter_case_reference_invalid",
        SURNAME: "utter_case_surname_invalid",
        POSTCODE: "utter_case_postcode_invalid",
    }
    NORMALISERS = {SURNAME: details.normalise_surname, POSTCODE: details.normalise_postcode}
    SHORT_ANSWERS = frozenset({REFERENCE, SURNAME, POSTCODE})

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_case_status_form"

    def help_after_failures(self, slot: str) -> list[str]:
        """The help with every detail, once a detail's format has been explained."""
        return ["utter_case_details_help"]

    async def validate_case_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A Hertfordshire reference in canonical form; ends the form early if checks are locked."""
        try:
            reference = details.normalise_reference(str(value or ""))
        except CaseDetailError as exc:
            if exc.reason == "force":
                dispatcher.utter_message(response="utter_case_reference_other_force", force_code=exc.force_code)
                return {REFERENCE: None}
            return self.failed(REFERENCE, dispatcher, tracker)
        return await reference_unless_locked(CHECK, status.current_lock, REFERENCE, reference, tracker)


def _tell_status(dispatcher: CollectingDispatcher, case: CaseStatus) -> None:
    dispatcher.utter_message(
        response="utter_case_status_found",
        offence=case.offence,
        reported_on=long_date(case.reported_on, weekday=False),
        status_text=case.status_text,
        status_detail=case.status_detail,
        updated_on=long_date(case.updated_on, weekday=False),
    )
    if case.officer_name:
        contact = case.officer_contact or "call 101 and ask for them by name"
        dispatcher.utter_message(
            response="utter_case_status_officer", officer_name=case.officer_name, officer_contact=contact
        )
    else:
        dispatcher.utter_message(response="utter_case_status_no_officer")
    dispatcher.utter_message(response="utter_case_status_beacon")


class ActionCheckCaseStatus(Action):
    """Checks the details against the case in one unit of work, says the outcome, and forgets the details."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_check_case_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Say the case status (or why not) and clear the entered details."""
        typed = {"surname": tracker.get_slot(SURNAME), "postcode": tracker.get_slot(POSTCODE)}
        reference = tracker.get_slot(REFERENCE) or ""
        case = await run_check(dispatcher, CHECK, status.check_status, tracker, reference=reference, **typed)
        if case is not None:
            _tell_status(dispatcher, case)
        dispatcher.utter_message(response="utter_case_status_anything_else")
        return clear_details()


class ActionClearCaseDetails(Action):
    """Forgets the details typed so far, when the victim leaves the form."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clear_case_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Clear the entered details."""
        return clear_details()
