"""Track My Crime in the chat: the form's validation and the status check, over bot.services.cases.

The details a victim types live in slots only until the check; every path out of the form clears them.
Nothing here logs them.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import common
from bot.db.engine import unit_of_work
from bot.services import cases
from bot.services.cases import CaseDetailError, CaseStatus, Lookup

logger = logging.getLogger(__name__)

DETAIL_SLOTS = ("case_reference", "case_surname", "case_postcode")
HINTS_SLOT = "case_hints_given"  # the detail slots whose format was already explained in this form

# The explanation given the first time a detail is malformed; afterwards the help response instead.
_EXPLANATIONS = {
    "case_reference": "utter_case_reference_invalid",
    "case_surname": "utter_case_surname_invalid",
    "case_postcode": "utter_case_postcode_invalid",
}


def clear_details() -> list[EventType]:
    """Events that forget every detail the victim typed into the form."""
    return [SlotSet(slot, None) for slot in DETAIL_SLOTS] + [SlotSet(HINTS_SLOT, None)]


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _invalid(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    hinted = list(tracker.get_slot(HINTS_SLOT) or [])
    if slot in hinted:
        dispatcher.utter_message(response="utter_case_details_help")
    else:
        dispatcher.utter_message(response=_EXPLANATIONS[slot])
        hinted.append(slot)
    return {slot: None, HINTS_SLOT: hinted}


class ValidateCaseStatusForm(FormValidationAction):
    """Normalises each detail as it is typed and explains what a valid one looks like."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_case_status_form"

    async def validate_case_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A Hertfordshire reference in canonical form; ends the form early if checks are locked."""
        try:
            reference = cases.normalise_reference(str(value or ""))
        except CaseDetailError as exc:
            if exc.reason == "force":
                dispatcher.utter_message(response="utter_case_reference_other_force", force_code=exc.force_code)
                return {"case_reference": None}
            return _invalid("case_reference", dispatcher, tracker)
        try:
            async with unit_of_work(common.sessions()) as session:
                lock = await cases.current_lock(session, conversation_id=tracker.sender_id, reference=reference)
        except SQLAlchemyError as exc:
            logger.error("case lock check failed: %s", type(exc).__name__)  # the message could quote parameters
            lock = None  # the check action tries the database again and says sorry if it is still down
        if lock is not None:
            # Ask for nothing more: the check action refuses (and audits) without taking the other details.
            return {"case_reference": reference, "requested_slot": None}
        return {"case_reference": reference}

    async def validate_case_surname(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A surname in its normalised form (letters only, case-folded)."""
        try:
            return {"case_surname": cases.normalise_surname(str(value or ""))}
        except CaseDetailError:
            return _invalid("case_surname", dispatcher, tracker)

    async def validate_case_postcode(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A UK postcode in its normalised form."""
        try:
            return {"case_postcode": cases.normalise_postcode(str(value or ""))}
        except CaseDetailError:
            return _invalid("case_postcode", dispatcher, tracker)


def _tell(dispatcher: CollectingDispatcher, lookup: Lookup) -> None:
    if lookup.outcome == "locked":
        dispatcher.utter_message(response="utter_case_status_locked")
        return
    if lookup.outcome == "no_match" or lookup.case is None:
        dispatcher.utter_message(response="utter_case_status_no_match")
        if lookup.lock is not None:
            dispatcher.utter_message(response="utter_case_status_locked")
        return
    _tell_status(dispatcher, lookup.case)


def _tell_status(dispatcher: CollectingDispatcher, case: CaseStatus) -> None:
    dispatcher.utter_message(
        response="utter_case_status_found",
        offence=case.offence,
        reported_on=_long_date(case.reported_on),
        status_text=case.status_text,
        status_detail=case.status_detail,
        updated_on=_long_date(case.updated_on),
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
        try:
            async with unit_of_work(common.sessions()) as session:
                lookup = await cases.check_status(
                    session,
                    conversation_id=tracker.sender_id,
                    reference=tracker.get_slot("case_reference") or "",
                    surname=tracker.get_slot("case_surname"),
                    postcode=tracker.get_slot("case_postcode"),
                )
        except CaseDetailError:
            # Only when the form ended without every detail (a lock that expired meanwhile): nothing was checked.
            dispatcher.utter_message(response="utter_case_status_no_match")
        except SQLAlchemyError as exc:
            logger.error("case status check failed: %s", type(exc).__name__)  # the message could quote parameters
            dispatcher.utter_message(response="utter_case_status_unavailable")
        else:
            _tell(dispatcher, lookup)
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
