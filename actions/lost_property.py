"""Herts Reunited in the chat: the lost-item forms' validation, the search of found items and the lost report.

Thin adapters over bot.services.lost_property. A resident's name and contact live in slots only until the
report is stored; every path out clears them. Nothing here logs what residents typed.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import database
from actions.forms import FormValidation
from bot.db.engine import unit_of_work
from bot.services import audit, clock
from bot.services.lost_property import answers, reports, search
from bot.services.lost_property.items import LostPropertyError, advice_for, category_of
from bot.services.lost_property.search import FoundMatch, LostQuery
from bot.services.parsing.dates import long_date
from bot.services.parsing.replies import is_skip

logger = logging.getLogger(__name__)

# The lost-item form's slots, then the contact form's.
ITEM = "lost_item"
DETAILS = "lost_item_details"
PLACE = "lost_place"
DATE = "lost_date"
CATEGORY = "lost_category"
CONTACT_NAME = "lost_contact_name"
CONTACT = "lost_contact"
ITEM_SLOTS = (ITEM, DETAILS, PLACE, DATE, CATEGORY)
CONTACT_SLOTS = (CONTACT_NAME, CONTACT)
OUTCOME_SLOT = "lost_search_outcome"  # "matches" or "no_matches": which question the resident was asked

_DATE_RESPONSES = {
    "date_future": "utter_lost_date_future",
    "date_too_old": "utter_lost_date_too_old",
}


def clear_all() -> list[EventType]:
    """Events that forget everything typed into the lost-item and contact forms."""
    return [SlotSet(slot, None) for slot in (*ITEM_SLOTS, *CONTACT_SLOTS, OUTCOME_SLOT)]


class ValidateLostItemForm(FormValidation):
    """Checks what was lost, where and when, and works out the item's category."""

    INVALID = {ITEM: "utter_lost_item_invalid", PLACE: "utter_lost_place_invalid"}
    NORMALISERS = {ITEM: answers.normalise_item, PLACE: answers.normalise_place}
    SHORT_ANSWERS = frozenset({DATE})  # the item, its details and the place are free text (a toy gun, a knife)

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_lost_item_form"

    async def validate_lost_item(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The item as typed, and its category ("other" when it names none of the fixed list)."""
        events = self.normalised(ITEM, value, dispatcher, tracker)
        if (item := events[ITEM]) is None:
            return events
        return {**events, CATEGORY: category_of(item) or "other"}

    async def validate_lost_item_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Colour, make or marks; an empty string when the resident doesn't know."""
        text = " ".join(str(value or "").split())
        if is_skip(text):
            return {DETAILS: ""}
        return {DETAILS: text[:200]}

    async def validate_lost_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The day it was lost, as an ISO date."""
        try:
            return {DATE: answers.parse_lost_date(str(value or ""), today=clock.today()).isoformat()}
        except LostPropertyError as exc:
            dispatcher.utter_message(response=_DATE_RESPONSES.get(str(exc), "utter_lost_date_invalid"))
            return {DATE: None}


class ValidateLostContactForm(FormValidation):
    """Checks the name staff should ask for, and a UK phone number or an e-mail address, for a lost report."""

    INVALID = {CONTACT_NAME: "utter_lost_contact_name_invalid", CONTACT: "utter_lost_contact_invalid"}
    NORMALISERS = {CONTACT_NAME: answers.normalise_name, CONTACT: answers.normalise_contact}
    SHORT_ANSWERS = frozenset({CONTACT_NAME, CONTACT})

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_lost_contact_form"


def _query(tracker: Tracker) -> LostQuery | None:
    """The search the filled form stands for, or None if a slot is missing (the form was left early)."""
    item, place, day = (tracker.get_slot(name) for name in (ITEM, PLACE, DATE))
    if not item or not place or not day:
        return None
    try:
        lost_on = date.fromisoformat(day)
    except (TypeError, ValueError):
        return None
    category = tracker.get_slot(CATEGORY) or category_of(item) or "other"
    return LostQuery(category, item, tracker.get_slot(DETAILS) or "", place, lost_on)


def _looks(match: FoundMatch) -> str:
    parts = [part for part in (match.colour, match.brand) if part]
    return ", ".join(parts) if parts else "colour and make not recorded"


class ActionSearchFoundItems(Action):
    """Gives any advice that applies, then the found items that may be the lost one, or offers a report."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_search_found_items"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Search found items for the described item and ask the question that comes next."""
        query = _query(tracker)
        if query is None:
            dispatcher.utter_message(response="utter_lost_item_unavailable")
            return clear_all()
        for advice in advice_for(f"{query.description} {query.details}", query.place):
            dispatcher.utter_message(response=f"utter_lost_advice_{advice}")
        try:
            async with unit_of_work(database.sessions()) as session:
                matches = await search.search(session, query, today=clock.today())
        except Exception as exc:
            if not database.unavailable(exc):
                raise
            logger.error("found item search failed: %s", type(exc).__name__)  # the message could quote parameters
            dispatcher.utter_message(response="utter_lost_item_unavailable")
            return clear_all()
        if not matches:
            dispatcher.utter_message(response="utter_lost_item_no_match")
            return [SlotSet(OUTCOME_SLOT, "no_matches")]
        dispatcher.utter_message(response="utter_lost_item_matches", count=str(len(matches)))
        for match in matches:
            dispatcher.utter_message(
                response="utter_lost_item_match",
                label=match.label,
                looks=_looks(match),
                found_on=long_date(match.found_on),
                found_at=match.found_at,
                held_at=match.held_at,
                reference=match.reference,
            )
        dispatcher.utter_message(response="utter_lost_item_claim")
        return [SlotSet(OUTCOME_SLOT, "matches")]


class ActionSaveLostReport(Action):
    """Stores the lost report in one unit of work, gives its reference, and forgets what was typed."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_save_lost_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Store the report (or say why not) and clear every lost-property slot."""
        query = _query(tracker)
        name, contact = tracker.get_slot(CONTACT_NAME), tracker.get_slot(CONTACT)
        if query is None or not name or not contact:
            dispatcher.utter_message(response="utter_lost_report_unavailable")
            return clear_all()
        try:
            async with unit_of_work(database.sessions()) as session:
                report = await reports.create_report(
                    session, query, contact_name=name, contact=contact,
                    actor=audit.pseudonym(tracker.sender_id, purpose="conversation"),
                )
                reference = report.reference
        except Exception as exc:
            if not database.unavailable(exc):
                raise
            logger.error("lost report not stored: %s", type(exc).__name__)  # the message could quote parameters
            dispatcher.utter_message(response="utter_lost_report_unavailable")
            return clear_all()
        dispatcher.utter_message(response="utter_lost_report_saved", reference=reference)
        return clear_all()


class ActionClearLostItem(Action):
    """Forgets everything typed about a lost item, when the resident leaves or has what they need."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clear_lost_item"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Clear every lost-property slot."""
        return clear_all()
