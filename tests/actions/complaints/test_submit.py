"""Submitting a complaint: stored once per form, the reference given, the answers forgotten, failures kept safe."""

import logging

from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions import database
from actions.forms import SKIPPED
from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.db.models import Complaint
from bot.services.complaints.tickets import ACKNOWLEDGE_WORKING_DAYS
from tests.actions.complaints.helpers import ANSWERS, CLEARED, count, submit, tracker


async def test_submit_stores_the_complaint_gives_the_reference_and_forgets_the_answers(db):
    events, messages = await submit(tracker(ANSWERS))
    assert await count(db) == 1
    async with unit_of_work(db) as session:
        stored = await session.scalar(select(Complaint))
    assert (stored.email, stored.incident_when, stored.reference_numbers) == ("sam@example.com", "last Tuesday", "")
    assert stored.must_record and stored.sender_id == "conversation-under-test"
    assert messages[0]["response"] == "utter_complaint_submitted"
    assert messages[0]["reference"] == stored.reference
    assert messages[0]["working_days"] == ACKNOWLEDGE_WORKING_DAYS[stored.priority]
    assert messages[0]["team_phone"] == "01707 806100"
    assert events == [*CLEARED, SlotSet("complaint_reference", stored.reference)]


async def test_submitting_one_form_twice_makes_one_ticket(db):
    """A network retry or restarted action server sends the same tracker; a double click comes after the clear."""
    _, first = await submit(tracker(ANSWERS))
    _, retry = await submit(tracker(ANSWERS))
    _, double_click = await submit(tracker({"complaint_form_id": "form-1"}))
    assert await count(db) == 1
    assert first[0]["reference"] == retry[0]["reference"] == double_click[0]["reference"]
    assert [retry[0]["response"], double_click[0]["response"]] == ["utter_complaint_already_submitted"] * 2
    _, other_form = await submit(tracker({**ANSWERS, "complaint_form_id": "form-2"}))
    assert await count(db) == 2 and other_form[0]["reference"] != first[0]["reference"]


async def test_the_same_form_id_in_another_conversation_is_another_complaint(db):
    await submit(tracker(ANSWERS))
    await submit(tracker(ANSWERS, sender="someone-else"))
    assert await count(db) == 2


async def test_nothing_to_submit_without_a_form(db):
    _, messages = await submit(tracker({}))
    assert [m["response"] for m in messages] == ["utter_complaint_nothing_to_submit"]
    _, messages = await submit(tracker({"complaint_form_id": "never-finished"}))
    assert [m["response"] for m in messages] == ["utter_complaint_nothing_to_submit"]


async def test_without_email_the_resident_is_told_to_phone_for_updates(db):
    _, messages = await submit(tracker({**ANSWERS, "complaint_email": SKIPPED}))
    assert [m["response"] for m in messages] == ["utter_complaint_submitted", "utter_complaint_no_email_status"]


async def test_a_database_failure_keeps_the_answers_for_a_retry_and_logs_nothing_personal(
    blank_settings, monkeypatch, caplog
):
    engine = create_engine(blank_settings)  # never migrated: the tables are missing
    monkeypatch.setattr(database, "sessions", lambda: create_sessionmaker(engine))
    try:
        with caplog.at_level(logging.DEBUG):
            events, messages = await submit(tracker(ANSWERS))
    finally:
        await engine.dispose()
    assert events == []
    assert [m["response"] for m in messages] == ["utter_complaint_submit_failed"]
    for personal in ("Sam", "sam@example.com", "07700900123", "wrist"):
        assert personal not in caplog.text
