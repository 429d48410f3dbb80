"""Herts Reunited in the chat: the lost-item forms' validation, the search of found items and the lost report.

Thin adapters over bot.services.lost_property*. A resident's name and contact live in slots only until the
report is stored; every path out clears them. Nothing here logs what residents typed.
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
from bot.db.base import utcnow
from bot.db.engine import unit_of_work
from bot.services import audit, lost_property, lost_property_reports
from bot.services.lost_property import FoundMatch, LostPropertyError, LostQuery
from bot.services.lost_property_input import (
    normalise_contact,
    normalise_item,
    normalise_name,
    normalise_place,
    parse_lost_date,
)

logger = logging.getLogger(__name__)

ITEM_SLOTS = ("lost_item", "lost_item_details", "lost_place", "lost_date", "lost_category")
CONTACT_SLOTS = ("lost_contact_name", "lost_contact")
OUTCOME_SLOT = "lost_search_outcome"  # "matches" or "no_matches": which question the resident was asked

_DATE_RESPONSES = {
    "date_future": "utter_lost_date_future",
    "date_too_old": "utter_lost_date_too_old",
}


def clear_all() -> list[EventType]:
    """Events that forget everything typed into the lost-item and contact forms."""
    return [SlotSet(slot, None) for slot in (*ITEM_SLOTS, *CONTACT_SLOTS, OUTCOME_SLOT)]


def _today() -> date:
    return utcnow().date()


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


class ValidateLostItemForm(FormValidationAction):
    """Checks what was lost, where and when, and works out the item's category."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_lost_item_form"

    async def validate_lost_item(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The item as typed, and its category ("other" when it names none of the fixed list)."""
        try:
            item = normalise_item(str(value or ""))
        except LostPropertyError:
            dispatcher.utter_message(response="utter_lost_item_invalid")
            return {"lost_item": None}
        return {"lost_item": item, "lost_category": lost_property.category_of(item) or "other"}

    async def validate_lost_item_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Colour, make or marks; an empty string when the resident doesn't know."""
        text = " ".join(str(value or "").split())
        if lost_property.is_unknown(text):
            return {"lost_item_details": ""}
        return {"lost_item_details": text[:200]}

    async def validate_lost_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Where it was lost, as typed."""
        try:
            return {"lost_place": normalise_place(str(value or ""))}
        except LostPropertyError:
            dispatcher.utter_message(response="utter_lost_place_invalid")
            return {"lost_place": None}

    async def validate_lost_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The day it was lost, as an ISO date."""
        try:
            return {"lost_date": parse_lost_date(str(value or ""), today=_today()).isoformat()}
        except LostPropertyError as exc:
            dispatcher.utter_message(response=_DATE_RESPONSES.get(str(exc), "utter_lost_date_invalid"))
            return {"lost_date": None}


class ValidateLostContactForm(FormValidationAction):
    """Checks the name and the phone number or e-mail address for a lost report."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_lost_contact_form"

    async def validate_lost_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The name staff should ask for."""
        try:
            return {"lost_contact_name": normalise_name(str(value or ""))}
        except LostPropertyError:
            dispatcher.utter_message(response="utter_lost_contact_name_invalid")
            return {"lost_contact_name": None}

    async def validate_lost_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A UK phone number or an e-mail address, normalised."""
        try:
            return {"lost_contact": normalise_contact(str(value or ""))}
        except LostPropertyError:
            dispatcher.utter_message(response="utter_lost_contact_invalid")
            return {"lost_contact": None}


def _query(tracker: Tracker) -> LostQuery | None:
    """The search the filled form stands for, or None if a slot is missing (the form was left early)."""
    item, place, day = (tracker.get_slot(name) for name in ("lost_item", "lost_place", "lost_date"))
    if not item or not place or not day:
        return None
    try:
        lost_on = date.fromisoformat(day)
    except (TypeError, ValueError):
        return None
    category = tracker.get_slot("lost_category") or lost_property.category_of(item) or "other"
    return LostQuery(category, item, tracker.get_slot("lost_item_details") or "", place, lost_on)


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
        for advice in lost_property.advice_for(f"{query.description} {query.details}", query.place):
            dispatcher.utter_message(response=f"utter_lost_advice_{advice}")
        try:
            async with unit_of_work(common.sessions()) as session:
                matches = await lost_property.search(session, query, today=_today())
        except SQLAlchemyError as exc:
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
                found_on=_long_date(match.found_on),
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
        name, contact = tracker.get_slot("lost_contact_name"), tracker.get_slot("lost_contact")
        if query is None or not name or not contact:
            dispatcher.utter_message(response="utter_lost_report_unavailable")
            return clear_all()
        try:
            async with unit_of_work(common.sessions()) as session:
                report = await lost_property_reports.create_report(
                    session, query, contact_name=name, contact=contact,
                    actor=audit.pseudonym(tracker.sender_id, purpose="conversation"),
                )
                reference = report.reference
        except SQLAlchemyError as exc:
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
