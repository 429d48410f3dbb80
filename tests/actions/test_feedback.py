"""The feedback action, run on tracker fixtures against a real (test) database."""

import copy
import json
import logging
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import database
from actions import feedback as feedback_actions
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import Feedback

TRACKERS = Path(__file__).parent / "trackers"
# The domain's intents as the action server sends them: plain names, or one-key mappings with properties.
DOMAIN = {"intents": ["beacon_info", {"search_found_property": {"use_entities": []}}, "report_crime", "thank"]}
RESET = [SlotSet("feedback_helpful", None)]


def _state(name):
    return copy.deepcopy(json.loads((TRACKERS / f"{name}.json").read_text()))


def button(helpful=True):
    """After "thanks" and "Was this helpful?", the resident presses Yes (or No) on the buttons."""
    state = _state("feedback_button")
    state["slots"]["feedback_helpful"] = helpful
    state["events"][-1]["value"] = helpful
    return Tracker.from_dict(state)


def typed(intent="affirm"):
    """After "thanks" and "Was this helpful?", the resident types yes (affirm) or no (deny)."""
    state = _state("feedback_typed")
    state["latest_message"]["intent"]["name"] = intent
    state["events"][-1]["parse_data"]["intent"]["name"] = intent
    return Tracker.from_dict(state)


def user(intent, text="words the resident typed"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}


@pytest.fixture
def db(sessions, monkeypatch):
    """The actions' session factory points at the migrated test database."""
    monkeypatch.setattr(database, "sessions", lambda: sessions)
    return sessions


async def run(tracker, domain=DOMAIN):
    dispatcher = CollectingDispatcher()
    events = await feedback_actions.ActionRecordFeedback().run(dispatcher, tracker, domain)
    return events, dispatcher.messages


async def stored(sessions):
    async with sessions() as session:
        return [(row.helpful, row.topic) for row in (await session.scalars(select(Feedback).order_by(Feedback.id)))]


@pytest.mark.parametrize("helpful", [True, False])
async def test_a_button_answer_is_stored_with_the_topic_that_opened_the_form(db, helpful):
    events, messages = await run(button(helpful))
    assert events == RESET  # the next "Was this helpful?" starts fresh
    assert messages == []  # the rules say thanks (utter_feedback_*) after the action
    # The answer typed into the form was guessed as report_crime: only the intent that opened the form counts.
    assert await stored(db) == [(helpful, "search_found_property")]


@pytest.mark.parametrize(("intent", "helpful"), [("affirm", True), ("deny", False)])
async def test_a_typed_yes_or_no_counts_and_small_talk_is_no_topic(db, intent, helpful):
    events, _ = await run(typed(intent))
    assert events == RESET
    # "what can you do" and "thank you" came after Beacon, but are not what the resident asked about.
    assert await stored(db) == [(helpful, "beacon_info")]


async def test_feedback_with_only_small_talk_before_it_has_no_topic(db):
    tracker = typed()
    tracker.events[:] = [
        e
        for e in tracker.events
        if e.get("event") != "user" or e["parse_data"]["intent"]["name"] in ("capabilities", "thank", "affirm")
    ]
    await run(tracker)
    assert await stored(db) == [(True, None)]


async def test_an_intent_that_is_not_a_clean_name_is_never_stored(db):
    tracker = typed()
    tracker.events.insert(4, user("Jo Bloggs 07700900123"))  # a crafted /payload: free text as an intent name
    tracker.events[3]["parse_data"]["intent"]["name"] = "greet"
    await run(tracker)
    assert await stored(db) == [(True, None)]


async def test_a_turn_that_answers_nothing_stores_nothing(db):
    tracker = button()
    tracker.slots["feedback_helpful"] = None
    events, _ = await run(tracker)
    assert events == RESET
    assert await stored(db) == []


def test_the_topic_is_the_last_question_of_this_session():
    events = [
        user("fraud"),
        {"event": "session_started"},
        user("greet"),
        user("nlu_fallback"),
        {"event": "active_loop", "name": "action_two_stage_fallback"},
        user("support_burglary"),  # picked from "Did you mean ...?": a real question
        {"event": "active_loop", "name": None},
        user("complain_police"),
        {"event": "active_loop", "name": "complaint_form"},
        user("domestic_abuse"),  # free text typed into the form
        user("complaint_submit"),
        {"event": "active_loop", "name": None},
        user("thank"),
        user("feedback"),
    ]
    assert feedback_actions.topic_of(events) == "complain_police"
    assert feedback_actions.topic_of(events[:7]) == "support_burglary"
    assert feedback_actions.topic_of(events[:3]) is None  # fraud was asked in an earlier session


def _refused():
    raise ConnectionRefusedError("could not reach the database")


async def test_a_database_without_the_table_is_logged_without_personal_data_and_the_chat_goes_on(
    blank_settings, monkeypatch, caplog
):
    engine = create_engine(blank_settings)  # no migrations applied: the insert fails
    monkeypatch.setattr(database, "sessions", lambda: create_sessionmaker(engine))
    try:
        with caplog.at_level(logging.ERROR, logger="actions.feedback"):
            events, messages = await run(button())
    finally:
        await engine.dispose()
    assert events == RESET and messages == []
    # SQLite says OperationalError, PostgreSQL ProgrammingError; their text (with the SQL) is never logged.
    assert [r.getMessage() for r in caplog.records if r.name == "actions.feedback"] in (
        ["feedback not stored: OperationalError"],
        ["feedback not stored: ProgrammingError"],
    )
    assert "INSERT" not in caplog.text and "feedback (" not in caplog.text


async def test_an_unreachable_database_does_not_stop_the_conversation(monkeypatch, caplog):
    monkeypatch.setattr(database, "sessions", _refused)
    with caplog.at_level(logging.ERROR, logger="actions.feedback"):
        events, messages = await run(button(False))
    assert events == RESET and messages == []
    assert [r.getMessage() for r in caplog.records] == ["feedback not stored: ConnectionRefusedError"]
    for secret in ("resident-under-test", "my black iphone", "search_found_property"):
        assert secret not in caplog.text


async def test_a_topic_the_domain_does_not_have_is_not_stored(db):
    state = _state("feedback_typed")
    state["events"].insert(-2, user("my_bank_details_are_1234"))  # a hand-typed "/my_bank_details_are_1234"
    events, _ = await run(Tracker.from_dict(state))
    assert events == RESET
    assert await stored(db) == [(True, None)]
