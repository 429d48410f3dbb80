"""The complaint form's validation: answers normalised, retries explained, only the questions that apply, changes."""

from datetime import date, timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher
from ruamel.yaml import YAML

from actions.complaints.form import ValidateComplaintForm
from actions.forms import SKIPPED
from bot.services import clock
from bot.settings import PROJECT_ROOT
from tests.actions.complaints.helpers import ANSWERS, DOMAIN, FORM_SLOTS, responses, tracker


async def validate(slots, slot, text):
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, tracker(slots, typed=(slot, text)), DOMAIN)
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}, responses(dispatcher)


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
    assert day.weekday() == 1 and day < clock.today() + timedelta(days=1)
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
    required = await ValidateComplaintForm().required_slots(
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


ASSAULT = {"level": "disclosure", "kind": "assault", "score": 0.0, "sure": False, "net": None, "narrative": True}


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        # support_assault is not among these slots' not_intent lists, so the text reaches the form's validation.
        ("complaint_role", "he punched me in the face outside the pub last week"),
        ("complaint_permission", "my dad hit me and i cant say"),
        ("complaint_date", "the night my partner beat me up"),
        ("complaint_contact_preference", "he hits me when i phone anyone"),
        ("complaint_recorded", "my ex attacked me again"),
        ("complaint_change_field", "my ex attacked me again"),
    ],
)
async def test_a_harm_told_where_a_short_answer_was_asked_gets_its_help_and_the_question_again(db, slot, text):
    # Every question before it answered (on someone's behalf, with both contacts: every question is asked).
    slots = {**ANSWERS, "complaint_role": "behalf", "complaint_permission": "yes", "complaint_confirm": None}
    slots[slot] = None
    if slot == "complaint_change_field":
        slots = {**ANSWERS, "complaint_confirm": "change"}
    state = tracker(slots, typed=(slot, text))
    state.latest_message.update({"intent": {"name": "support_assault"}, "risk": ASSAULT})
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, state, DOMAIN)
    changed = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    assert responses(dispatcher) == ["utter_support_assault"]  # the help for that harm, not "that's not a date"
    assert changed[slot] is None  # not taken as the answer ("he punched me" is no role "affected")
    assert changed.get("requested_slot", slot) == slot  # the same question again


NOT_COPING = {"level": "disclosure", "kind": "not_coping", "score": 0.0, "sure": False, "net": None, "narrative": True}


async def test_the_questions_own_button_is_an_answer_even_if_it_reads_like_a_harm(db):
    # A button's words read as a disclosure would get the harm's help and the same question, every time it was
    # pressed: whatever the classifiers make of them, the question's own buttons are answers.
    responses_of = YAML(typ="safe").load((PROJECT_ROOT / "domain.yml").read_text())["responses"]
    state = tracker({**ANSWERS, "complaint_role": None}, typed=("complaint_role", "I was a witness"))
    state.latest_message.update({"intent": {"name": "not_coping"}, "risk": NOT_COPING})
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, state, {**DOMAIN, "responses": responses_of})
    changed = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    assert responses(dispatcher) == []
    assert changed["complaint_role"] == "witness"
