"""The complaint form's actions: validation and retries, the read-back and changes, submit (once), cancel, status."""

import logging
from datetime import date, timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions import common, complaints_submit
from actions import complaints as complaint_actions
from actions.complaints_fields import DETAIL_SLOTS, SKIPPED
from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.db.models import Complaint
from bot.services import complaints

FORM_SLOTS = [
    "complaint_role", "complaint_permission", "complaint_name", "complaint_email", "complaint_phone",
    "complaint_contact_preference", "complaint_narrative", "complaint_date", "complaint_location",
    "complaint_people", "complaint_injury", "complaint_witnesses", "complaint_references", "complaint_outcome",
    "complaint_recorded", "complaint_change_field", "complaint_confirm",
]
DOMAIN = {
    "forms": {
        "complaint_form": {"required_slots": FORM_SLOTS},
        "complaint_status_form": {"required_slots": ["complaint_status_reference", "complaint_status_email"]},
    },
    "slots": {},
    "responses": {"utter_complaint_why_email": [{"text": "..."}], "utter_complaint_why_general": [{"text": "..."}]},
}
ANSWERS = {
    "complaint_role": "affected",
    "complaint_name": "Sam Taylor",
    "complaint_email": "sam@example.com",
    "complaint_phone": "07700900123",
    "complaint_contact_preference": "email",
    "complaint_narrative": "PC 4521 pushed me over outside the station and I broke my wrist.",
    "complaint_date": "2026-11-17",
    "complaint_date_text": "last Tuesday",
    "complaint_location": "St Albans",
    "complaint_people": "PC 4521",
    "complaint_injury": "broken wrist",
    "complaint_witnesses": "no",
    "complaint_references": SKIPPED,
    "complaint_outcome": "an apology",
    "complaint_recorded": "yes",
    "complaint_confirm": "submit",
    "complaint_form_id": "form-1",
}
CLEARED = [SlotSet(slot, None) for slot in DETAIL_SLOTS]


def tracker(slots=None, *, typed=None, sender="conversation-under-test", form="complaint_form"):
    """A tracker in the form; `typed` = (slot, text) is what the resident just answered for that slot."""
    slots = dict(slots or {})
    events = [{"event": "user", "text": typed[1] if typed else "", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    if typed:
        slots.update({"requested_slot": typed[0], typed[0]: typed[1]})
        events.append({"event": "slot", "name": typed[0], "value": typed[1]})
    return Tracker(
        sender, slots, {"text": typed[1] if typed else "", "intent": {"name": "nlu_fallback"}, "entities": []},
        events, False, None, {"name": form}, "action_listen",
    )


def responses(dispatcher):
    return [message["response"] for message in dispatcher.messages]


async def validate(slots, slot, text):
    dispatcher = CollectingDispatcher()
    events = await complaint_actions.ValidateComplaintForm().run(dispatcher, tracker(slots, typed=(slot, text)), DOMAIN)
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}, responses(dispatcher)


@pytest.fixture
def db(sessions, monkeypatch):
    """The actions' session factory points at the migrated test database."""
    monkeypatch.setattr(common, "sessions", lambda: sessions)
    return sessions


async def count(sessions):
    async with unit_of_work(sessions) as session:
        return await session.scalar(select(func.count()).select_from(Complaint))


# --- validation ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "typed", "value"),
    [
        ("complaint_role", "I was affected", "affected"),
        ("complaint_role", "it happened to my son", "behalf"),
        ("complaint_role", "I saw it as a witness", "witness"),
        ("complaint_name", "my name is Sam Taylor", "Sam Taylor"),
        ("complaint_email", " Sam@Example.com ", "sam@example.com"),
        ("complaint_phone", "+44 7700 900123", "07700900123"),
        ("complaint_contact_preference", "phone me please", "phone"),
        ("complaint_date", "don't know", SKIPPED),
        ("complaint_injury", "none", "none"),  # an answer, kept as typed
        ("complaint_witnesses", "skip", SKIPPED),
        ("complaint_recorded", "not sure", "unsure"),
        ("complaint_recorded", "yes please", "yes"),
    ],
)
async def test_answers_are_normalised(db, slot, typed, value):
    both_contacts = {"complaint_email": "a@example.com", "complaint_phone": "07700900123"}  # so a preference is asked
    slots, messages = await validate(both_contacts, slot, typed)
    assert slots[slot] == value
    assert messages == []


async def test_a_date_like_last_tuesday_is_kept_as_a_date_and_as_typed(db):
    slots, _ = await validate({}, "complaint_date", "last Tuesday evening")
    day = date.fromisoformat(slots["complaint_date"])
    assert day.weekday() == 1 and day < date.today() + timedelta(days=1)
    assert slots["complaint_date_text"] == "last Tuesday evening"


async def test_a_bad_email_is_explained_then_after_two_tries_skip_or_stop_is_offered(db):
    slots, messages = await validate({}, "complaint_email", "sam at example")
    assert slots["complaint_email"] is None and slots["complaint_failures"] == {"complaint_email": 1}
    assert messages == ["utter_complaint_email_invalid"]
    slots, messages = await validate({"complaint_failures": {"complaint_email": 1}}, "complaint_email", "still bad")
    assert slots["complaint_email"] is None
    assert messages == ["utter_complaint_why_email", "utter_complaint_skip_or_stop"]


async def test_a_future_date_gets_its_own_reprompt(db):
    slots, messages = await validate({}, "complaint_date", "1 January 2099")
    assert slots["complaint_date"] is None
    assert messages == ["utter_complaint_date_future"]


async def test_a_required_answer_offers_only_to_stop(db):
    _, messages = await validate({"complaint_failures": {"complaint_name": 1}}, "complaint_name", "123")
    assert messages == ["utter_complaint_why_name", "utter_complaint_stop_offer"]


async def test_one_way_of_contact_is_needed(db):
    slots, _ = await validate({}, "complaint_email", "I don't have an email")
    assert slots["complaint_email"] == SKIPPED
    slots, messages = await validate({"complaint_email": SKIPPED}, "complaint_phone", "skip")
    assert slots["complaint_phone"] is None
    assert messages == ["utter_complaint_contact_needed"]


async def test_without_permission_the_team_will_ask_for_it(db):
    slots, messages = await validate({"complaint_role": "behalf"}, "complaint_permission", "no not yet")
    assert slots["complaint_permission"] == "no"
    assert messages == ["utter_complaint_permission_needed"]


@pytest.mark.parametrize(
    ("slots", "asked", "not_asked"),
    [
        ({"complaint_role": "affected"}, "complaint_name", "complaint_permission"),
        ({"complaint_role": "behalf"}, "complaint_permission", None),
        ({**ANSWERS, "complaint_contact_preference": None, "complaint_confirm": None},
         "complaint_contact_preference", None),
        ({**ANSWERS, "complaint_phone": SKIPPED, "complaint_contact_preference": None, "complaint_confirm": None},
         "complaint_confirm", "complaint_contact_preference"),
    ],
)
async def test_only_the_questions_that_apply_are_asked(db, slots, asked, not_asked):
    required = await complaint_actions.ValidateComplaintForm().required_slots(
        FORM_SLOTS, CollectingDispatcher(), tracker(slots), DOMAIN
    )
    assert asked in required
    assert next(slot for slot in required if slots.get(slot) is None) == asked
    assert not_asked not in required
    assert "complaint_change_field" not in required


async def test_change_something_asks_which_part_then_forgets_only_that_answer(db):
    slots, _ = await validate({**ANSWERS, "complaint_confirm": None}, "complaint_confirm", "change")
    assert slots["complaint_confirm"] == "change" and slots["requested_slot"] == "complaint_change_field"
    slots, messages = await validate({**ANSWERS, "complaint_confirm": "change"}, "complaint_change_field", "email")
    assert messages == []
    assert slots["complaint_email"] is None and slots["complaint_contact_preference"] is None
    assert slots["complaint_confirm"] is None
    assert slots["requested_slot"] == "complaint_email"  # asked again, then the read-back again
    slots, messages = await validate({**ANSWERS, "complaint_confirm": "change"}, "complaint_change_field", "the moon")
    assert messages == ["utter_complaint_change_field_invalid"]


async def test_the_read_back_lists_every_answer_with_the_three_buttons(db):
    dispatcher = CollectingDispatcher()
    await complaint_actions.ActionAskComplaintConfirm().run(dispatcher, tracker(ANSWERS), DOMAIN)
    [message] = dispatcher.messages
    assert message["response"] == "utter_complaint_read_back"
    summary = message["summary"]
    assert "- Email: sam@example.com" in summary
    assert "- When: Tuesday 17 November 2026" in summary
    assert "- Reference numbers: not given" in summary
    assert "- Formally recorded: Yes" in summary
    assert "Their permission" not in summary  # not asked of someone complaining for themselves


async def test_starting_a_form_gives_it_a_new_id_and_forgets_old_answers(db):
    dispatcher = CollectingDispatcher()
    events = await complaint_actions.ActionStartComplaint().run(dispatcher, tracker(ANSWERS), DOMAIN)
    assert responses(dispatcher) == ["utter_complaint_intro"]
    assert all(event in events for event in CLEARED)
    [form_id] = [event["value"] for event in events if event["name"] == "complaint_form_id"]
    assert len(form_id) == 32


async def test_why_explains_the_current_question(db):
    dispatcher = CollectingDispatcher()
    state = tracker({"requested_slot": "complaint_email"})
    await complaint_actions.ActionExplainComplaintQuestion().run(dispatcher, state, DOMAIN)
    assert responses(dispatcher) == ["utter_complaint_why_email"]


async def test_cancel_keeps_nothing(db):
    events = await complaint_actions.ActionClearComplaint().run(CollectingDispatcher(), tracker(ANSWERS), DOMAIN)
    assert all(event in events for event in CLEARED)
    assert SlotSet("complaint_form_id", None) in events
    assert await count(db) == 0


# --- submitting ----------------------------------------------------------------------------------------------------


async def submit(state):
    dispatcher = CollectingDispatcher()
    events = await complaints_submit.ActionSubmitComplaint().run(dispatcher, state, DOMAIN)
    return events, dispatcher.messages


async def test_submit_stores_the_complaint_gives_the_reference_and_forgets_the_answers(db):
    events, messages = await submit(tracker(ANSWERS))
    assert await count(db) == 1
    async with unit_of_work(db) as session:
        stored = await session.scalar(select(Complaint))
    assert (stored.email, stored.incident_when, stored.reference_numbers) == ("sam@example.com", "last Tuesday", "")
    assert stored.must_record and stored.sender_id == "conversation-under-test"
    assert messages[0]["response"] == "utter_complaint_submitted"
    assert messages[0]["reference"] == stored.reference
    assert messages[0]["working_days"] == complaints.ACKNOWLEDGE_WORKING_DAYS[stored.priority]
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
    monkeypatch.setattr(common, "sessions", lambda: create_sessionmaker(engine))
    try:
        with caplog.at_level(logging.DEBUG):
            events, messages = await submit(tracker(ANSWERS))
    finally:
        await engine.dispose()
    assert events == []
    assert [m["response"] for m in messages] == ["utter_complaint_submit_failed"]
    for personal in ("Sam", "sam@example.com", "07700900123", "wrist"):
        assert personal not in caplog.text


# --- the status check ----------------------------------------------------------------------------------------------


async def check(slots, sender="resident"):
    dispatcher = CollectingDispatcher()
    events = await complaints_submit.ActionCheckComplaintStatus().run(
        dispatcher, tracker(slots, sender=sender, form="complaint_status_form"), DOMAIN
    )
    return events, dispatcher.messages


async def test_status_check_with_reference_and_email(db):
    _, submitted = await submit(tracker(ANSWERS))
    reference = submitted[0]["reference"]
    events, messages = await check(
        {"complaint_status_reference": reference, "complaint_status_email": "sam@example.com"}
    )
    assert messages[0]["response"] == "utter_complaint_status_found"
    assert messages[0]["status_text"] == complaints.PUBLIC_STATUS["new"]
    assert SlotSet("complaint_status_email", None) in events and SlotSet("complaint_status_reference", None) in events
    _, messages = await check({"complaint_status_reference": reference, "complaint_status_email": "x@example.com"})
    assert [m["response"] for m in messages] == ["utter_complaint_status_no_match"]
    standard = {"text", "buttons", "image", "elements", "attachment", "response", "template", "custom", "team_phone"}
    assert all(set(message) <= standard for message in messages)  # nothing about the complaint on a mismatch


async def test_status_check_locks_after_three_failures(db):
    wrong = {"complaint_status_reference": "CRT-2026-00009", "complaint_status_email": "x@example.com"}
    for _ in range(2):
        await check(wrong)
    _, messages = await check(wrong)
    assert [m["response"] for m in messages] == ["utter_complaint_status_no_match", "utter_complaint_status_locked"]
    dispatcher = CollectingDispatcher()
    typed = ("complaint_status_reference", "CRT-2026-00001")
    state = tracker(typed=typed, sender="resident", form="complaint_status_form")
    events = await complaints_submit.ValidateComplaintStatusForm().run(dispatcher, state, DOMAIN)
    assert SlotSet("requested_slot", None) in events  # the form ends: the check action refuses


async def test_status_form_explains_a_malformed_reference(db):
    dispatcher = CollectingDispatcher()
    state = tracker(typed=("complaint_status_reference", "41/12345/26"), form="complaint_status_form")
    events = await complaints_submit.ValidateComplaintStatusForm().run(dispatcher, state, DOMAIN)
    assert SlotSet("complaint_status_reference", None) in events
    assert responses(dispatcher) == ["utter_complaint_status_reference_invalid"]
