"""Submitting a complaint (once per form, however often it is sent) and "what's happening with my complaint?".

Nothing here logs what the resident typed: only the type of a database error.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import common
from actions.complaints_fields import FAILURES, FORM_ID, REFERENCE, clear_details, details_from, long_date
from bot.db.base import utcnow
from bot.db.engine import unit_of_work
from bot.db.models import Complaint
from bot.services import complaints, complaints_status
from bot.services.complaints import ACKNOWLEDGE_WORKING_DAYS, TEAM_PHONE, ComplaintError
from bot.services.complaints_status import Lookup

logger = logging.getLogger(__name__)

STATUS_SLOTS = ("complaint_status_reference", "complaint_status_email")
_EXPLANATIONS = {
    "complaint_status_reference": "utter_complaint_status_reference_invalid",
    "complaint_status_email": "utter_complaint_email_invalid",
}


def _tell_submitted(dispatcher: CollectingDispatcher, complaint: Complaint, created: bool) -> None:
    dispatcher.utter_message(
        response="utter_complaint_submitted" if created else "utter_complaint_already_submitted",
        reference=complaint.reference,
        acknowledge_by=long_date(complaint.acknowledge_by),
        working_days=ACKNOWLEDGE_WORKING_DAYS.get(complaint.priority, 5),
        team_phone=TEAM_PHONE,
    )
    if not complaint.email:
        dispatcher.utter_message(response="utter_complaint_no_email_status")


class ActionSubmitComplaint(Action):
    """Stores the complaint once per form: a second submit of the same form gets the same ticket."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Create (or find) the form's ticket, give its reference and what happens next, then forget the answers."""
        form_id = tracker.get_slot(FORM_ID)
        if not form_id:
            dispatcher.utter_message(response="utter_complaint_nothing_to_submit")
            return []
        key = complaints.submission_key(tracker.sender_id, str(form_id))
        details = details_from(tracker)
        try:
            if details is None:
                # The answers are gone: this form was submitted already (a double click), or never finished.
                async with unit_of_work(common.sessions()) as session:
                    complaint, created = await complaints.find_by_submission(session, key), False
            else:
                complaint, created = await complaints.submit(
                    common.sessions(), details, sender_id=tracker.sender_id, key=key
                )
        except (SQLAlchemyError, ComplaintError) as exc:
            logger.error("complaint submission failed: %s", type(exc).__name__)  # messages could quote parameters
            # Keep the answers: pressing Submit again retries with the same key, so it cannot make two tickets.
            dispatcher.utter_message(response="utter_complaint_submit_failed", team_phone=TEAM_PHONE)
            return []
        if complaint is None:
            dispatcher.utter_message(response="utter_complaint_nothing_to_submit")
            return clear_details()
        _tell_submitted(dispatcher, complaint, created)
        return [*clear_details(), SlotSet(REFERENCE, complaint.reference)]


class ValidateComplaintStatusForm(FormValidationAction):
    """Normalises the reference and e-mail as they are typed, explaining a malformed one once."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_complaint_status_form"

    def _invalid(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        failures = dict(tracker.get_slot(FAILURES) or {})
        failures[slot] = failures.get(slot, 0) + 1
        response = _EXPLANATIONS[slot] if failures[slot] < 2 else "utter_complaint_status_help"
        dispatcher.utter_message(response=response)
        return {slot: None, FAILURES: failures}

    async def validate_complaint_status_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A CRT-YYYY-NNNNN reference; ends the form early if checks are locked for this conversation."""
        try:
            reference = complaints_status.normalise_reference(str(value or ""))
        except ComplaintError:
            return self._invalid("complaint_status_reference", dispatcher, tracker)
        try:
            async with unit_of_work(common.sessions()) as session:
                lock = await complaints_status.current_lock(
                    session, conversation_id=tracker.sender_id, reference=reference
                )
        except SQLAlchemyError as exc:
            logger.error("complaint lock check failed: %s", type(exc).__name__)
            lock = None  # the check action tries again and says sorry if the database is still down
        if lock is not None:
            return {"complaint_status_reference": reference, "requested_slot": None}
        return {"complaint_status_reference": reference}

    async def validate_complaint_status_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The e-mail address given with the complaint, lower case."""
        try:
            return {"complaint_status_email": complaints.normalise_email(str(value or ""))}
        except ComplaintError:
            return self._invalid("complaint_status_email", dispatcher, tracker)


def _tell(dispatcher: CollectingDispatcher, lookup: Lookup) -> None:
    if lookup.outcome == "locked":
        dispatcher.utter_message(response="utter_complaint_status_locked", team_phone=TEAM_PHONE)
        return
    if lookup.outcome == "no_match" or lookup.complaint is None:
        dispatcher.utter_message(response="utter_complaint_status_no_match", team_phone=TEAM_PHONE)
        if lookup.lock is not None:
            dispatcher.utter_message(response="utter_complaint_status_locked", team_phone=TEAM_PHONE)
        return
    found = lookup.complaint
    dispatcher.utter_message(
        response="utter_complaint_status_found",
        reference=found.reference,
        submitted_on=long_date(found.submitted_on),
        status_text=found.status_text,
        team_phone=TEAM_PHONE,
    )


class ActionCheckComplaintStatus(Action):
    """Checks the reference and e-mail in one unit of work, says the outcome, and forgets them."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_check_complaint_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Say the complaint's status (or why not) and clear the entered details."""
        try:
            async with unit_of_work(common.sessions()) as session:
                lookup = await complaints_status.check_status(
                    session,
                    conversation_id=tracker.sender_id,
                    reference=tracker.get_slot("complaint_status_reference") or "",
                    email=tracker.get_slot("complaint_status_email"),
                    now=utcnow(),
                )
        except ComplaintError:
            dispatcher.utter_message(response="utter_complaint_status_no_match", team_phone=TEAM_PHONE)
        except SQLAlchemyError as exc:
            logger.error("complaint status check failed: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_complaint_status_unavailable", team_phone=TEAM_PHONE)
        else:
            _tell(dispatcher, lookup)
        return [SlotSet(slot, None) for slot in (*STATUS_SLOTS, FAILURES)]
