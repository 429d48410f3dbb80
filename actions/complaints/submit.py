"""Submitting a complaint: once per form, however often it is sent (a double click, a retry).

Nothing here logs what the resident typed: only the type of a database error.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import database
from actions.complaints import slots
from actions.complaints.read_back import details_from
from bot.db.models import Complaint
from bot.services.complaints import references, tickets
from bot.services.complaints.details import TEAM_PHONE, ComplaintError
from bot.services.complaints.tickets import ACKNOWLEDGE_WORKING_DAYS
from bot.services.parsing.dates import long_date

logger = logging.getLogger(__name__)


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
        form_id = tracker.get_slot(slots.FORM_ID)
        if not form_id:
            dispatcher.utter_message(response="utter_complaint_nothing_to_submit")
            return []
        key = references.submission_key(tracker.sender_id, str(form_id))
        details = details_from(tracker)
        try:
            if details is None:
                # The answers are gone: this form was submitted already (a double click), or never finished.
                complaint, created = await tickets.find_submitted(database.sessions(), key), False
            else:
                complaint, created = await tickets.submit(
                    database.sessions(), details, sender_id=tracker.sender_id, key=key
                )
        except Exception as exc:
            if not (database.unavailable(exc) or isinstance(exc, ComplaintError)):
                raise
            logger.error("complaint submission failed: %s", type(exc).__name__)  # messages could quote parameters
            # Keep the answers: pressing Submit again retries with the same key, so it cannot make two tickets.
            dispatcher.utter_message(response="utter_complaint_submit_failed", team_phone=TEAM_PHONE)
            return []
        if complaint is None:
            dispatcher.utter_message(response="utter_complaint_nothing_to_submit")
            return slots.clear_details()
        _tell_submitted(dispatcher, complaint, created)
        return [*slots.clear_details(), SlotSet(slots.REFERENCE, complaint.reference)]
