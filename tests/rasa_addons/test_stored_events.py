"""What of a conversation is stored: placeholders for form answers and disclosures, form values removed."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from ruamel.yaml import YAML

from actions.complaints import slots
from actions.complaints.read_back import LABELS, read_back
from bot.services.verified_lookup import CLIENT_METADATA_KEY
from rasa_addons.form_answers import ECHOES, READ_BACK_LINES, echo_templates
from rasa_addons.stored_events import (
    ANSWER,
    CLIENT_KEY,
    FORM_SLOTS,
    PERSONAL_ANSWERS,
    WITHHELD_INTENTS,
    State,
    redact_event,
    scrub_all,
    without_value,
)

DOMAIN = YAML(typ="safe").load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
TEMPLATES = echo_templates(DOMAIN["responses"])
CLIENT = "client:5f0c9a8e7d6b4a3c2b1a0f9e8d7c6b5a"


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
    event["metadata"] = {"message_id": "3f2a9c0d1e4b5a6978877f6e5d4c3b2a", "client": CLIENT}
    event["parse_data"]["metadata"] = event["metadata"]  # Rasa's parse_data holds the same metadata
    stored = redact_event(event, state)
    # The client's pseudonym (the same for every conversation from one address) is for this turn's check only.
    assert stored["metadata"] == stored["parse_data"]["metadata"] == {"message_id": "3f2a9c0d1e4b5a6978877f6e5d4c3b2a"}
    assert CLIENT not in json.dumps(stored)
    assert event["metadata"]["client"] == CLIENT  # the live event (what this turn's actions get) keeps it
    event["metadata"] = {"message_id": "call 07700 900123"}  # not an id: redacted like any other text
    assert "07700" not in str(redact_event(event, state)["metadata"])


def test_the_relays_client_key_is_the_one_the_store_drops():
    assert CLIENT_KEY == CLIENT_METADATA_KEY


def test_rasas_copy_of_a_sessions_first_metadata_keeps_no_client():
    # Rasa's processor sets this slot to the metadata of a session's first message.
    metadata = {"client": CLIENT, "message_id": "3f2a9c0d1e4b5a6978877f6e5d4c3b2a", "from": "call 07700 900123"}
    stored = redact_event(slot("session_started_metadata", metadata), State())
    kept = {"message_id": "3f2a9c0d1e4b5a6978877f6e5d4c3b2a", "from": "call [phone]"}
    assert stored == slot("session_started_metadata", kept)
    assert metadata["client"] == CLIENT


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


def uttered(response, text, **arguments):
    """A bot event as Rasa makes it of an action's utter_message(response=..., **arguments)."""
    metadata = {"utter_action": response, "template": response, **arguments}
    return {"event": "bot", "text": text, "data": {"buttons": []}, "metadata": metadata}


def filled(response, **arguments):
    return DOMAIN["responses"][response][0]["text"].format(**arguments)


# Every question answered; "Amy", "M25", "Bob" and "Zed" are shorter than the values looked for in other messages.
TYPED = {slots.ROLE: "affected", slots.NAME: "Amy", slots.EMAIL: "amy@example.org", slots.CONTACT_PREFERENCE: "email",
         slots.NARRATIVE: "Bob pushed me\non the slip road", slots.DATE: "2026-05-01", slots.LOCATION: "M25",
         slots.PEOPLE: "Bob", slots.INJURY: "no", slots.WITNESSES: "Zed", slots.REFERENCES: "none",
         slots.OUTCOME: "sorry", slots.RECORDED: "yes"}  # fmt: skip


def test_the_read_back_is_stored_as_its_template_with_each_answer_a_placeholder_however_short():
    state = asking("complaint_form", slots.CONFIRM)
    for index, (name, value) in enumerate(TYPED.items(), start=2):
        state.observe(index, slot(name, value))
    summary = read_back(SimpleNamespace(get_slot=TYPED.get))  # the action's own summary
    assert "- Witnesses: Zed\n" in summary and "- Where: M25\n" in summary
    text = filled("utter_complaint_read_back", summary=summary)
    stored = redact_event(uttered("utter_complaint_read_back", text, summary=summary), state, templates=TEMPLATES)
    stored_summary = (
        "- Who is complaining: [answer]\n- Your name: [name]\n- Email: [email]\n- Phone: [phone]\n"
        "- Best way to contact you: [answer]\n- What happened: [answer]\n- When: [answer]\n- Where: [answer]\n"
        "- Who was involved: [answer]\n- Injury or damage: [answer]\n- Witnesses: [answer]\n"
        "- Reference numbers: [answer]\n- The outcome you want: [answer]\n- Formally recorded: [answer]"
    )
    assert stored["text"] == filled("utter_complaint_read_back", summary=stored_summary)
    assert stored["metadata"]["summary"] == stored_summary
    kept = json.dumps(stored)
    assert not [value for value in ("Amy", "Bob", "M25", "Zed", "slip road", "sorry") if value in kept]


def test_the_read_back_lines_are_the_actions_questions():
    assert READ_BACK_LINES == {label: name for name, label in LABELS.items()}


@pytest.mark.parametrize(("response", "arguments", "stored"), [
    ("utter_case_reference_other_force", {"force_code": "42"}, {"force_code": ANSWER}),
    ("utter_complaint_status_found", {"reference": "CRT-2026-00042", "submitted_on": "Friday 1 May 2026",
     "status_text": "The team is looking into it.", "team_phone": "01707 806100"},
     {"reference": "[complaint-ref]", "submitted_on": "Friday 1 May 2026",
      "status_text": "The team is looking into it.", "team_phone": "01707 806100"}),
    ("utter_case_status_found", {"offence": "Assault", "reported_on": "3 March 2026", "updated_on": "9 March 2026",
     "status_text": "Your case is being investigated.", "status_detail": "A suspect was interviewed on 8 March."},
     {"offence": "[offence]", "reported_on": "[date]", "updated_on": "[date]",
      "status_text": "Your case is being investigated.", "status_detail": "[case-detail]"}),
    ("utter_case_status_officer", {"officer_name": "DC Priya Shah", "officer_contact": "priya.shah@herts.police.uk"},
     {"officer_name": "[officer]", "officer_contact": "[officer-contact]"}),
])  # fmt: skip
def test_a_response_repeating_what_was_typed_is_stored_with_placeholders(response, arguments, stored):
    event = uttered(response, filled(response, **arguments), **arguments)
    kept = redact_event(event, State(), keep=["01707 806100"], templates=TEMPLATES)
    assert kept["text"] == filled(response, **stored)
    assert {name: kept["metadata"][name] for name in arguments} == stored


def test_an_echo_no_template_gives_is_kept_as_a_placeholder_only():
    summary = "- Witnesses: Zed"
    event = uttered("utter_complaint_read_back", f"Check it: {summary}", summary=summary)
    for templates in (TEMPLATES, None):  # a text the domain's template does not give, or no domain at all
        stored = redact_event(event, State(), templates=templates)
        assert stored["text"] == ANSWER
        assert "Zed" not in json.dumps(stored)


def test_ordinary_messages_are_kept_as_they_are():
    state = asking("complaint_form", slots.INJURY)
    state.observe(2, slot(slots.INJURY, "no"))  # a short value is not looked for in other messages
    text = filled("utter_greet")
    assert redact_event(uttered("utter_greet", text), state, templates=TEMPLATES)["text"] == text
    assert redact_event({"event": "bot", "text": "Is there anything else? Say no to end."}, state)["text"] == (
        "Is there anything else? Say no to end."
    )


def test_every_echo_is_a_response_that_takes_its_arguments():
    for name, arguments in ECHOES.items():
        for variation in DOMAIN["responses"][name]:
            assert all(f"{{{argument}}}" in variation["text"] for argument in arguments), name
    assert set(ECHOES) <= set(TEMPLATES)


def test_a_response_rasa_fills_from_a_form_slot_is_stored_with_the_slots_placeholder():
    templates = echo_templates({"utter_thanks": [{"text": "Thanks {complaint_name}, I'll write to {complaint_email}."}],
                                "utter_greet": DOMAIN["responses"]["utter_greet"]})  # fmt: skip
    assert set(templates) == {"utter_thanks"}
    state = asking("complaint_form", slots.CONFIRM)
    state.observe(2, slot(slots.NAME, "Amy"))
    state.observe(3, slot(slots.EMAIL, "amy@example.org"))
    stored = redact_event(uttered("utter_thanks", "Thanks Amy, I'll write to amy@example.org."), state,
                          templates=templates)  # fmt: skip
    assert stored["text"] == "Thanks [name], I'll write to [email]."


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


@pytest.mark.parametrize("state", [State(), asking("complaint_form", "complaint_name")], ids=["redacted", "answer"])
def test_an_entity_value_that_is_no_string_and_its_extra_details_are_not_kept_as_typed(state):
    entity = {"entity": "x", "value": ["jo@example.org", {"phone": "07700 900123"}], "start": 0,
              "additional_info": {"value": "jo@example.org"}}
    stored = redact_event(user("hello", entities=[entity]), state)
    assert "jo@example.org" not in json.dumps(stored)
    assert "07700" not in json.dumps(stored)
    assert stored["parse_data"]["entities"][0]["entity"] == "x"
    true = {"entity": "helpful", "value": True, "start": 0}
    assert redact_event(user("yes", entities=[true]), state)["parse_data"]["entities"] == [true]


@pytest.mark.parametrize("metadata", ["call 07700 900123", ["07700 900123"], None, 3])
def test_a_message_whose_metadata_is_no_object_is_stored_without_a_crash(metadata):
    event = user("my email is jo@example.org")
    event["metadata"] = metadata
    stored = redact_event(event, State())
    assert "07700" not in json.dumps(stored) and "jo@example.org" not in json.dumps(stored)


def test_odd_parse_data_is_stored_without_a_crash():
    event = {"event": "user", "text": "my email is jo@example.org",
             "parse_data": {"intent": "jo@example.org", "risk": "danger_now", "entities": "x"}}
    stored = redact_event(event, State())
    assert "jo@example.org" not in json.dumps(stored)
    assert redact_event({"event": "user", "parse_data": None, "metadata": None}, State())["event"] == "user"


def test_other_events_keep_no_personal_data_in_their_texts():
    # Rasa's EntitiesAdded, and an action's metadata (an end-to-end prediction's text): names are kept, texts redacted.
    entities = {"event": "entities", "entities": [{"entity": "x", "value": "jo@example.org"}], "timestamp": 1.5}
    action = {"event": "action", "name": "action_listen", "policy": "RulePolicy", "confidence": 1.0,
              "action_text": "call 07700 900123", "metadata": {"said": "jo@example.org"}}
    assert redact_event(entities, State()) == {**entities, "entities": [{"entity": "x", "value": "[email]"}]}
    assert redact_event(action, State()) == {**action, "action_text": "call [phone]", "metadata": {"said": "[email]"}}
    loop = {"event": "active_loop", "name": "complaint_form"}
    assert redact_event(loop, State()) == loop
    started = {"event": "session_started", "metadata": {"client": CLIENT, "from": "call 07700 900123"}, "timestamp": 1}
    assert redact_event(started, State()) == {**started, "metadata": {"from": "call [phone]"}}
