"""Lost property actions, run on tracker fixtures against a real (test) database with the demo found items."""

import copy
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import database
from actions import lost_property as lost_actions
from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.db.models import AuditEntry, FoundItem, LostReport
from bot.services import clock
from bot.services.lost_property.demo import load_demo_found_items
from bot.services.lost_property.reports import create_report
from bot.services.lost_property.search import LostQuery

TRACKERS = Path(__file__).parent / "trackers"
DOMAIN = {
    "forms": {
        "lost_item_form": {"required_slots": ["lost_item", "lost_item_details", "lost_place", "lost_date"]},
        "lost_contact_form": {"required_slots": ["lost_contact_name", "lost_contact"]},
    },
    "slots": {},
}
CLEARED = [
    SlotSet(slot, None)
    for slot in ("lost_item", "lost_item_details", "lost_place", "lost_date", "lost_category", "lost_contact_name",
                 "lost_contact", "lost_search_outcome")
]


def _state(name):
    return copy.deepcopy(json.loads((TRACKERS / f"{name}.json").read_text()))


def _today():
    return clock.today()


def described(**slots):
    """The tracker the search action gets once the lost item form is filled (lost yesterday unless overridden)."""
    state = _state("lost_item_form_complete")
    state["slots"]["lost_date"] = (_today() - timedelta(days=1)).isoformat()
    state["slots"].update(slots)
    return Tracker.from_dict(state)


def with_contact(name="Jo Bloggs", contact="jo.bloggs@example.org", **slots):
    """The tracker the save action gets once the contact form is filled too."""
    return described(lost_contact_name=name, lost_contact=contact, lost_search_outcome="no_matches", **slots)


def typed(slot, text, form="lost_item_form"):
    """The tracker a validation action gets after the resident typed `text` for `slot`."""
    state = _state("lost_item_typed")
    state["slots"].update({"requested_slot": slot, slot: text, "lost_item": None if slot != "lost_item" else text})
    state["active_loop"] = {"name": form}
    state["events"][-1].update({"name": slot, "value": text})
    return Tracker.from_dict(state)


@pytest.fixture
async def demo_db(sessions, monkeypatch):
    """The demo found items in the test database, which the actions' session factory now points at."""
    async with unit_of_work(sessions) as session:
        await load_demo_found_items(session)
    monkeypatch.setattr(database, "sessions", lambda: sessions)
    return sessions


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


def responses(messages):
    return [message["response"] for message in messages]


# --- the forms' validation -------------------------------------------------------------------------------------


async def test_an_item_gets_its_category_even_misspelt():
    events, messages = await run(lost_actions.ValidateLostItemForm(), typed("lost_item", "my black iphnoe"))
    assert SlotSet("lost_item", "my black iphnoe") in events
    assert SlotSet("lost_category", "phones") in events
    assert messages == []


async def test_an_item_with_no_words_is_explained():
    events, messages = await run(lost_actions.ValidateLostItemForm(), typed("lost_item", "?? 123"))
    assert SlotSet("lost_item", None) in events
    assert responses(messages) == ["utter_lost_item_invalid"]


@pytest.mark.parametrize("text", ["don't know", "Not sure", "no"])
async def test_unknown_details_are_accepted_as_empty(text):
    events, _ = await run(lost_actions.ValidateLostItemForm(), typed("lost_item_details", text))
    assert SlotSet("lost_item_details", "") in events


@pytest.mark.parametrize(
    ("text", "value", "response"),
    [
        ("yesterday", (clock.today() - timedelta(days=1)).isoformat(), None),
        ("tomorrow", None, "utter_lost_date_future"),
        ("ages ago", None, "utter_lost_date_invalid"),
        ("1/1/2020", None, "utter_lost_date_too_old"),
    ],
)
async def test_dates_are_parsed_or_explained(text, value, response):
    events, messages = await run(lost_actions.ValidateLostItemForm(), typed("lost_date", text))
    assert SlotSet("lost_date", value) in events
    assert responses(messages) == ([response] if response else [])


@pytest.mark.parametrize(
    ("slot", "text", "value", "response"),
    [
        ("lost_contact", "07700 900 123", "07700900123", None),
        ("lost_contact", "ring me", None, "utter_lost_contact_invalid"),
        ("lost_contact_name", "Jo Bloggs", "Jo Bloggs", None),
        ("lost_contact_name", "07700900123", None, "utter_lost_contact_name_invalid"),
    ],
)
async def test_contact_details_are_normalised_or_explained(slot, text, value, response):
    tracker = typed(slot, text, form="lost_contact_form")
    events, messages = await run(lost_actions.ValidateLostContactForm(), tracker)
    assert SlotSet(slot, value) in events
    assert responses(messages) == ([response] if response else [])


# --- the search ------------------------------------------------------------------------------------------------


async def test_a_match_shows_what_to_recognise_and_how_to_claim(demo_db):
    events, messages = await run(lost_actions.ActionSearchFoundItems(), described())
    assert events == [SlotSet("lost_search_outcome", "matches")]
    names = responses(messages)
    assert names[0] == "utter_lost_item_matches" and names[-1] == "utter_lost_item_claim"
    assert 1 <= names.count("utter_lost_item_match") <= 3
    first = messages[1]
    assert first["reference"] == "FP/26/01423"
    assert first["held_at"] == "Watford Police Station"
    assert first["looks"] == "Black, Apple"
    assert "cracked" not in json.dumps(messages)  # the property system's description is never shown


async def test_nothing_matching_offers_a_report(demo_db):
    events, messages = await run(
        lost_actions.ActionSearchFoundItems(), described(lost_item="trombone", lost_category="other")
    )
    assert events == [SlotSet("lost_search_outcome", "no_matches")]
    assert responses(messages) == ["utter_lost_item_no_match"]


async def test_documents_and_trains_get_their_advice_before_the_search(demo_db):
    tracker = described(lost_item="passport and driving licence", lost_category="documents",
                        lost_item_details="", lost_place="on the train from Hatfield")
    _, messages = await run(lost_actions.ActionSearchFoundItems(), tracker)
    assert responses(messages)[:3] == [
        "utter_lost_advice_passport", "utter_lost_advice_driving_licence", "utter_lost_advice_train",
    ]


async def test_a_form_left_early_is_not_searched_and_is_forgotten(demo_db):
    events, messages = await run(lost_actions.ActionSearchFoundItems(), described(lost_date=None))
    assert responses(messages) == ["utter_lost_item_unavailable"]
    assert events == CLEARED


# --- the report ------------------------------------------------------------------------------------------------


async def test_a_report_is_stored_with_a_reference_then_everything_is_forgotten(demo_db):
    events, messages = await run(lost_actions.ActionSaveLostReport(), with_contact(lost_item="trombone"))
    assert responses(messages) == ["utter_lost_report_saved"]
    assert events == CLEARED
    async with demo_db() as session:
        report = await session.scalar(select(LostReport))
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "lost_property.report"))
    assert messages[0]["reference"] == report.reference
    assert (report.description, report.contact_name, report.contact) == ("trombone", "Jo Bloggs",
                                                                         "jo.bloggs@example.org")
    assert report.status == "open" and report.lost_on == _today() - timedelta(days=1)
    assert "resident-under-test" not in audit.actor and "Bloggs" not in json.dumps(audit.details)


async def test_a_database_failure_says_sorry_forgets_and_logs_nothing_personal(blank_settings, monkeypatch, caplog):
    engine = create_engine(blank_settings)  # never migrated: the tables are missing
    monkeypatch.setattr(database, "sessions", lambda: create_sessionmaker(engine))
    try:
        with caplog.at_level(logging.DEBUG):
            search_events, search_messages = await run(lost_actions.ActionSearchFoundItems(), described())
            events, messages = await run(lost_actions.ActionSaveLostReport(), with_contact())
    finally:
        await engine.dispose()
    assert responses(search_messages) == ["utter_lost_item_unavailable"] and search_events == CLEARED
    assert responses(messages) == ["utter_lost_report_unavailable"] and events == CLEARED
    for secret in ("Bloggs", "example.org", "Watford", "iPhone"):
        assert secret not in caplog.text


async def test_leaving_clears_whatever_was_typed():
    events, messages = await run(lost_actions.ActionClearLostItem(), with_contact())
    assert events == CLEARED and messages == []


# --- privacy ---------------------------------------------------------------------------------------------------


async def test_a_search_never_reveals_another_residents_details(demo_db, caplog):
    """Other residents' reports of the very same item never surface; nor does a name in a found item's text."""
    others = [("Priya Sharma", "07700900456"), ("Tom O'Reilly", "tom.oreilly@example.net")]
    async with unit_of_work(demo_db) as session:
        for name, contact in others:
            query = LostQuery("phones", "iPhone", "black, in a clear case", "Watford town centre",
                              _today() - timedelta(days=1))
            await create_report(session, query, contact_name=name, contact=contact, actor="conversation:other")
        named = await session.scalar(select(FoundItem).where(FoundItem.reference == "FP/26/01398"))
        assert "Khan" in named.description
    searches = [
        described(),
        described(lost_item="purse", lost_category="wallets_purses", lost_item_details="brown Radley",
                  lost_place="Verulamium Park, St Albans", lost_date=(_today() - timedelta(days=7)).isoformat()),
        described(lost_item="phone", lost_item_details="Priya Sharma 07700900456", lost_place="Watford"),
    ]
    with caplog.at_level(logging.DEBUG):
        replies = [await run(lost_actions.ActionSearchFoundItems(), tracker) for tracker in searches]
    shown = json.dumps([messages for _, messages in replies])
    assert "utter_lost_item_match" in shown  # the searches did find items
    for secret in ("Sharma", "O'Reilly", "07700900456", "example.net", "Khan"):
        assert secret not in shown
        assert secret not in caplog.text
    assert all("LP-" not in json.dumps(messages) for _, messages in replies)  # nor other residents' report references



async def test_a_database_that_refuses_connections_says_sorry_and_forgets(unreachable_database):
    search_events, search_messages = await run(lost_actions.ActionSearchFoundItems(), described())
    events, messages = await run(lost_actions.ActionSaveLostReport(), with_contact())
    assert responses(search_messages) == ["utter_lost_item_unavailable"] and search_events == CLEARED
    assert responses(messages) == ["utter_lost_report_unavailable"] and events == CLEARED


async def test_a_harm_told_for_the_day_it_was_lost_gets_its_help_and_the_question_again():
    tracker = typed("lost_date", "the night my ex smashed it and hit me")
    tracker.latest_message.update(
        {"intent": {"name": "domestic_abuse"},
         "risk": {"level": "disclosure", "kind": "domestic_abuse", "score": 0.0, "sure": False, "narrative": True}}
    )
    events, messages = await run(lost_actions.ValidateLostItemForm(), tracker)
    assert responses(messages) == ["utter_domestic_abuse"]  # not "I didn't understand that date"
    assert SlotSet("lost_date", None) in events
