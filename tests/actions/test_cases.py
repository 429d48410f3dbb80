"""Track My Crime actions, run on tracker fixtures against a real (test) database."""

import copy
import json
import logging
import random
import time
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import cases as case_actions
from actions import database
from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.db.models import Case
from bot.services import attempt_limits
from bot.services.cases.demo import load_demo_cases
from bot.services.cases.status import STATUSES
from bot.services.parsing.dates import long_date

TRACKERS = Path(__file__).parent / "trackers"
DOMAIN = {
    "forms": {"case_status_form": {"required_slots": ["case_reference", "case_surname", "case_postcode"]}},
    "slots": {},
}
CLEARED = [SlotSet(slot, None) for slot in ("case_reference", "case_surname", "case_postcode", "case_hints_given")]


def _state(name):
    return json.loads((TRACKERS / f"{name}.json").read_text())


def _from(state, client):
    """With `client`, the pseudonym the web relay sends in the message's metadata (as Rasa passes it on)."""
    if client is not None:
        state["latest_message"]["metadata"] = {"client": client}
    return Tracker.from_dict(state)


def completed_form(sender="conversation-under-test", client=None, **slots):
    """The tracker the check action gets once the form has every detail (overridable)."""
    state = _state("case_status_form_complete")
    state["sender_id"] = sender
    state["slots"].update(slots)
    return _from(state, client)


def typed(slot, text, hints=None, sender="conversation-under-test", client=None):
    """The tracker the validation action gets after the user typed `text` for `slot`."""
    state = copy.deepcopy(_state("case_reference_typed"))
    state["sender_id"] = sender
    state["slots"].update({"requested_slot": slot, slot: text, "case_hints_given": hints})
    state["events"][-1].update({"name": slot, "value": text})
    return _from(state, client)


@pytest.fixture
async def demo_db(sessions, monkeypatch):
    """The demo cases in the test database, which the actions' session factory now points at."""
    async with unit_of_work(sessions) as session:
        await load_demo_cases(session)
    monkeypatch.setattr(database, "sessions", lambda: sessions)
    return sessions


async def validate(tracker):
    dispatcher = CollectingDispatcher()
    events = await case_actions.ValidateCaseStatusForm().run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


async def check(tracker):
    dispatcher = CollectingDispatcher()
    events = await case_actions.ActionCheckCaseStatus().run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


def responses(messages):
    return [message["response"] for message in messages]


# --- the form's validation -------------------------------------------------------------------------------------


async def test_a_reference_is_normalised_without_comment(demo_db):
    events, messages = await validate(typed("case_reference", "41 10234 2026"))
    assert events == [SlotSet("case_reference", "41/10234/26")]
    assert messages == []


async def test_a_bad_reference_is_explained_once_then_help_is_offered(demo_db):
    events, messages = await validate(typed("case_reference", "my number is 12345"))
    assert SlotSet("case_reference", None) in events
    assert SlotSet("case_hints_given", ["case_reference"]) in events
    assert responses(messages) == ["utter_case_reference_invalid"]

    events, messages = await validate(typed("case_reference", "still wrong", hints=["case_reference"]))
    assert SlotSet("case_reference", None) in events
    assert responses(messages) == ["utter_case_details_help"]


async def test_another_forces_reference_is_explained_with_its_code(demo_db):
    events, messages = await validate(typed("case_reference", "01/12345/24"))
    assert events == [SlotSet("case_reference", None)]
    assert messages[0]["response"] == "utter_case_reference_other_force"
    assert messages[0]["force_code"] == "01"


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [("case_surname", "  O'Brien ", "obrien"), ("case_postcode", "sg1 2dp", "SG1 2DP")],
)
async def test_surname_and_postcode_are_normalised(demo_db, slot, text, value):
    events, messages = await validate(typed(slot, text))
    assert events == [SlotSet(slot, value)]
    assert messages == []


@pytest.mark.parametrize(
    ("slot", "text", "explanation"),
    [
        ("case_surname", "1234", "utter_case_surname_invalid"),
        ("case_postcode", "nowhere", "utter_case_postcode_invalid"),
    ],
)
async def test_bad_surnames_and_postcodes_are_explained_then_helped(demo_db, slot, text, explanation):
    events, messages = await validate(typed(slot, text, hints=["case_reference"]))
    assert SlotSet(slot, None) in events
    assert SlotSet("case_hints_given", ["case_reference", slot]) in events
    assert responses(messages) == [explanation]
    _, messages = await validate(typed(slot, text, hints=[slot]))
    assert responses(messages) == ["utter_case_details_help"]


async def test_a_locked_conversation_is_not_asked_for_more_details(demo_db):
    for _ in range(3):
        await check(completed_form(case_surname="jones"))
    events, messages = await validate(typed("case_reference", "41/10234/26"))
    assert SlotSet("requested_slot", None) in events  # ends the form: the check action then refuses
    assert messages == []
    _, messages = await check(completed_form(case_surname=None, case_postcode=None))
    assert responses(messages) == ["utter_case_status_locked", "utter_case_status_anything_else"]


async def test_an_address_that_guessed_from_many_conversations_is_not_asked_for_more(demo_db):
    guesser, resident = "client:0000000000000bad", "client:00000000000000ok"
    for number in range(attempt_limits.CLIENT_LIMIT):
        await check(completed_form(sender=f"script-{number}", client=guesser, case_surname="jones"))
    events, _ = await validate(typed("case_reference", "41/10234/26", sender="script-new", client=guesser))
    assert SlotSet("requested_slot", None) in events
    _, messages = await check(completed_form(sender="script-new", client=guesser))
    assert responses(messages) == ["utter_case_status_locked", "utter_case_status_anything_else"]
    # Someone else, from another address, checking the very same case: asked for the details, and told.
    events, _ = await validate(typed("case_reference", "41/10234/26", sender="the-victim", client=resident))
    assert SlotSet("requested_slot", None) not in events
    _, messages = await check(completed_form(sender="the-victim", client=resident))
    assert responses(messages)[0] == "utter_case_status_found"


async def test_a_much_failed_reference_answers_after_a_delay_right_or_wrong(demo_db):
    for number in range(attempt_limits.REFERENCE_SLOW_AFTER):
        await check(completed_form(sender=f"stranger-{number}", case_surname="jones"))
    for details, first in (({}, "utter_case_status_found"), ({"case_surname": "jones"}, "utter_case_status_no_match")):
        started = time.monotonic()
        _, messages = await check(completed_form(sender=f"owner-{first}", **details))
        assert time.monotonic() - started >= attempt_limits.REFERENCE_DELAY_BASE
        assert responses(messages)[0] == first


# --- the check -------------------------------------------------------------------------------------------------


async def test_a_match_gives_status_update_date_officer_and_beacon_then_forgets(demo_db):
    events, messages = await check(completed_form())
    assert responses(messages) == [
        "utter_case_status_found",
        "utter_case_status_officer",
        "utter_case_status_beacon",
        "utter_case_status_anything_else",
    ]
    found, officer = messages[0], messages[1]
    assert found["offence"] == "Burglary (dwelling)"
    assert found["status_text"] == STATUSES["under_investigation"]
    assert "Forensic results" in found["status_detail"]
    assert found["updated_on"] == "14 November 2026"
    assert officer["officer_name"] == "DC Priya Sharma"
    assert "101" in officer["officer_contact"]
    assert events == CLEARED


async def test_a_case_without_an_officer_says_so(demo_db):
    _, messages = await check(
        completed_form(case_reference="41/44120/26", case_surname="patel", case_postcode="HP2 5AA")
    )
    assert "utter_case_status_no_officer" in responses(messages)
    assert "utter_case_status_officer" not in responses(messages)


@pytest.mark.parametrize(
    "wrong",
    [{"case_surname": "jones"}, {"case_postcode": "SG1 1AA"}, {"case_reference": "41/99999/26"}],
)
async def test_a_mismatch_says_one_thing_whatever_was_wrong_and_forgets(demo_db, wrong):
    events, messages = await check(completed_form(**wrong))
    assert responses(messages) == ["utter_case_status_no_match", "utter_case_status_anything_else"]
    standard = {"text", "buttons", "image", "elements", "attachment", "response", "template", "custom"}
    assert all(set(message) <= standard for message in messages)  # no case data passed to the templates
    assert events == CLEARED


async def test_the_third_failure_says_no_match_and_that_checks_are_locked(demo_db):
    for _ in range(2):
        await check(completed_form(case_surname="jones"))
    _, messages = await check(completed_form(case_surname="jones"))
    assert responses(messages) == [
        "utter_case_status_no_match",
        "utter_case_status_locked",
        "utter_case_status_anything_else",
    ]
    events, messages = await check(completed_form())
    assert responses(messages) == ["utter_case_status_locked", "utter_case_status_anything_else"]
    assert events == CLEARED


async def test_a_database_failure_says_sorry_forgets_and_logs_nothing_personal(blank_settings, monkeypatch, caplog):
    engine = create_engine(blank_settings)  # never migrated: the tables are missing
    monkeypatch.setattr(database, "sessions", lambda: create_sessionmaker(engine))
    try:
        with caplog.at_level(logging.DEBUG):
            events, messages = await check(completed_form())
    finally:
        await engine.dispose()
    assert responses(messages) == ["utter_case_status_unavailable", "utter_case_status_anything_else"]
    assert events == CLEARED
    for secret in ("10234", "smith", "AL1"):
        assert secret not in caplog.text


async def test_the_details_never_reach_the_logs(demo_db, caplog):
    with caplog.at_level(logging.DEBUG):
        await validate(typed("case_reference", "41 10234 2026"))
        await validate(typed("case_surname", "Smith"))
        await validate(typed("case_postcode", "AL1 3AB"))
        await check(completed_form())
        await check(completed_form(case_surname="jones"))
    for secret in ("10234", "smith", "jones", "AL1", "conversation-under-test"):
        assert secret.lower() not in caplog.text.lower()


async def test_stop_clears_whatever_was_typed():
    dispatcher = CollectingDispatcher()
    events = await case_actions.ActionClearCaseDetails().run(dispatcher, completed_form(), DOMAIN)
    assert events == CLEARED
    assert dispatcher.messages == []


# --- probing -------------------------------------------------------------------------------------------------


async def _case_data(sessions):
    async with sessions() as session:
        rows = (await session.scalars(select(Case))).all()
    data = set(STATUSES.values())
    for row in rows:
        data |= {row.offence, row.status_detail, row.officer_name, row.officer_contact}
        data |= {long_date(row.updated_on, weekday=False), long_date(row.reported_on, weekday=False)}
    return {item for item in data if item}


async def test_fifty_random_probes_learn_nothing(demo_db):
    """Random references and real ones with wrong surnames: no reply carries any case data."""
    rng = random.Random(4)
    async with demo_db() as session:
        real = list((await session.scalars(select(Case.reference))).all())
    secrets = await _case_data(demo_db)
    seen = set()
    for probe in range(50):
        reference = rng.choice(real) if probe % 2 else f"41/{rng.randint(100, 99999):05d}/{rng.randint(15, 26)}"
        surname = rng.choice(["jones", "taylor", "brown", "williams", "wilson", "khan", "smyth"])
        tracker = completed_form(
            sender=f"prober-{probe // 3}", case_reference=reference, case_surname=surname, case_postcode="SG1 1AA"
        )
        _, messages = await check(tracker)
        seen.update(responses(messages))
        reply = json.dumps(messages)
        assert "utter_case_status_found" not in reply
        leaked = [secret for secret in secrets if secret in reply]
        assert not leaked, leaked
    assert seen <= {"utter_case_status_no_match", "utter_case_status_locked", "utter_case_status_anything_else"}
    assert "utter_case_status_locked" in seen  # the limits did kick in along the way


async def test_a_database_that_refuses_connections_says_sorry_and_forgets(unreachable_database, caplog):
    with caplog.at_level(logging.DEBUG):
        events, messages = await check(completed_form())
    assert responses(messages) == ["utter_case_status_unavailable", "utter_case_status_anything_else"]
    assert events == CLEARED
    for secret in ("10234", "smith", "AL1"):
        assert secret not in caplog.text
