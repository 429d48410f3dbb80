"""What of a conversation is stored: placeholders for form answers and disclosures, form values removed."""

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from rasa_addons.stored_events import (
    ANSWER,
    FORM_SLOTS,
    PERSONAL_ANSWERS,
    WITHHELD_INTENTS,
    State,
    redact_event,
    scrub_all,
    without_value,
)

DOMAIN = YAML(typ="safe").load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())


def user(text, intent="inform", entities=()):
    return {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent, "confidence": 1},
            "entities": list(entities), "safety_net": {"matched": text}}, "metadata": {"from": text}}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def asking(form, requested):
    state = State()
    state.observe(0, {"event": "active_loop", "name": form})
    state.observe(1, slot("requested_slot", requested))
    return state


def test_every_form_question_is_a_form_slot_and_none_influences_the_conversation():
    questions = {name for form in DOMAIN["forms"].values() for name in form["required_slots"]}
    assert questions <= FORM_SLOTS
    assert set(PERSONAL_ANSWERS) <= FORM_SLOTS
    for name in FORM_SLOTS:
        # Removing a replaced value cannot change what the policies see.
        assert DOMAIN["slots"][name].get("influence_conversation") is False, name


def test_withheld_intents_exist():
    assert set(WITHHELD_INTENTS) <= set(DOMAIN["intents"])


@pytest.mark.parametrize(("requested", "placeholder"), [
    ("case_surname", "[surname]"), ("complaint_email", "[email]"), ("lost_contact", "[contact]"),
    ("complaint_narrative", ANSWER), ("lost_item", ANSWER),
])
def test_an_answer_typed_into_a_form_is_stored_as_a_placeholder(requested, placeholder):
    event = user("Zebedee Quux, 12 Acacia Avenue", entities=[{"entity": "x", "value": "Zebedee", "start": 0}])
    stored = redact_event(event, asking("some_form", requested))
    assert stored["text"] == stored["parse_data"]["text"] == placeholder
    assert stored["parse_data"]["entities"] == [{"entity": "x", "value": placeholder, "start": 0}]
    assert "Zebedee" not in str(stored)
    assert event["text"] == "Zebedee Quux, 12 Acacia Avenue"  # the live event is not changed


@pytest.mark.parametrize("state", [State(), asking("complaint_form", "complaint_name")], ids=["redacted", "answer"])
def test_the_web_apps_message_id_is_kept_and_nothing_else_rides_on_its_key(state):
    event = user("Zebedee Quux")
    event["metadata"] = {"message_id": "3f2a9c0d1e4b5a6978877f6e5d4c3b2a", "client": "client:abc"}
    assert redact_event(event, state)["metadata"]["message_id"] == "3f2a9c0d1e4b5a6978877f6e5d4c3b2a"
    event["metadata"] = {"message_id": "call 07700 900123"}  # not an id: redacted like any other text
    assert "07700" not in str(redact_event(event, state)["metadata"])


def test_outside_a_form_a_message_is_redacted():
    stored = redact_event(user("my email is jo@example.org"), State())
    assert stored["text"] == stored["parse_data"]["text"] == "my email is [email]"
    assert stored["parse_data"]["safety_net"] == {"matched": "my email is [email]"}
    assert stored["metadata"] == {"from": "my email is [email]"}
    assert stored["parse_data"]["intent"]["name"] == "inform"


@pytest.mark.parametrize("intent", ["domestic_abuse", "emergency", "case_detail"])
def test_disclosures_and_emergencies_keep_only_their_topic(intent):
    stored = redact_event(user("my partner Zebedee keeps hitting me", intent=intent), State())
    assert stored["text"] == WITHHELD_INTENTS[intent]
    assert "Zebedee" not in str(stored)
    assert stored["parse_data"]["intent"]["name"] == intent


@pytest.mark.parametrize(("level", "placeholder"), [("disclosure", "[disclosure]"), ("danger_now", "[emergency]")])
def test_a_disclosure_or_danger_the_risk_classifier_saw_under_another_topic_is_withheld(level, placeholder):
    event = user("i was robbed and beaten up by Zebedee outside the shop", intent="support_robbery")
    event["parse_data"]["risk"] = {"level": level, "kind": "assault", "net": None, "score": 0.2}
    stored = redact_event(event, State())
    assert stored["text"] == placeholder
    assert "Zebedee" not in str(stored)
    assert stored["parse_data"]["intent"]["name"] == "support_robbery"


def test_a_message_with_no_risk_is_only_redacted():
    event = user("i was robbed by Zebedee, my email is jo@example.org", intent="support_robbery")
    event["parse_data"]["risk"] = {"level": "none", "kind": None}
    assert redact_event(event, State())["text"] == "i was robbed by Zebedee, my email is [email]"


def test_the_assistant_repeating_form_values_is_redacted_but_public_numbers_stay():
    state = asking("complaint_form", "complaint_confirm")
    state.observe(2, slot("complaint_name", "Zebedee Quux"))
    state.observe(3, slot("complaint_narrative", "the officer shouted at me"))
    bot = {"event": "bot", "text": "- Your name: Zebedee Quux\n- What happened: the officer shouted at me\n"
           "Call 01707 806100 or 07700 900123", "metadata": {"name": "Zebedee Quux"}, "data": {}}
    stored = redact_event(bot, state, keep=["01707 806100"])
    assert stored["text"] == "- Your name: [name]\n- What happened: [answer]\nCall 01707 806100 or [phone]"
    assert stored["metadata"] == {"name": "[name]"}


def test_form_slots_are_stored_while_the_form_runs_and_other_slots_redacted():
    assert redact_event(slot("complaint_email", "jo@example.org"), State()) == slot("complaint_email", "jo@example.org")
    assert redact_event(slot("complaint_reference", "CRT-2026-00042"), State()) == slot(
        "complaint_reference", "[complaint-ref]"
    )


def test_a_form_value_is_removed_when_replaced_cleared_or_a_new_session_starts():
    state = State()
    assert state.observe(0, slot("case_surname", "Smith")) == []
    assert state.observe(1, slot("case_surname", "Smyth")) == [0]
    assert state.observe(2, slot("case_surname", None)) == [1]
    assert state.observe(3, slot("case_postcode", "AL1 3AB")) == []
    assert state.observe(4, slot("feedback_helpful", True)) == []
    assert state.observe(5, {"event": "session_started"}) == [3]
    assert state.values == {}


def test_the_sweep_finds_every_form_value_left():
    events = [slot("case_surname", "Smith"), slot("case_surname", None), slot("lost_item", "phone"),
              slot("feedback_helpful", True), user("hi")]
    assert list(scrub_all(events)) == [0, 2]
    assert without_value(events[0]) == slot("case_surname", None)
