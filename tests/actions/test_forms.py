"""What every form's validation shares: table-driven slots, failed answers explained once then helped."""

import inspect

from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from ruamel.yaml import YAML

from actions.forms import HARM_HELP, SKIPPED, Failures, FormValidation
from bot.settings import PROJECT_ROOT


def upper(text):
    if not text.isalpha():
        raise ValueError("letters only")
    return text.upper()


class ValidateShoutForm(FormValidation):
    FAILURES = Failures("shout_failures")
    INVALID = {"shout_word": "utter_word_invalid"}
    FREE_TEXT = {"shout_story": 10}
    NORMALISERS = {"shout_word": upper}
    SHORT_ANSWERS = frozenset({"shout_word"})

    def name(self):
        return "validate_shout_form"

    def help_after_failures(self, slot):
        return ["utter_why_word", "utter_skip_or_stop"]


class ValidateQuietForm(ValidateShoutForm):
    """The same form, remembering only which slots failed (as Track My Crime's form does)."""

    FAILURES = Failures("quiet_hints", listed=True)


DOMAIN = {"forms": {"shout_form": {"required_slots": ["shout_word", "shout_story"]}}, "slots": {}}


def tracker(slot, text, **slots):
    return Tracker(
        "sender", {**slots, "requested_slot": slot, slot: text}, {"text": text, "intent": {}, "entities": []},
        [{"event": "slot", "name": slot, "value": text}], False, None, {"name": "shout_form"}, "action_listen",
    )


async def validate(form, slot, text, **slots):
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, tracker(slot, text, **slots), DOMAIN)
    said = [message["response"] for message in dispatcher.messages]
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}, said


async def test_a_normaliser_from_the_table_validates_its_slot():
    slots, said = await validate(ValidateShoutForm(), "shout_word", "hello")
    assert slots["shout_word"] == "HELLO" and said == []


async def test_a_failed_answer_is_explained_first_and_then_helped():
    slots, said = await validate(ValidateShoutForm(), "shout_word", "h3llo")
    assert slots["shout_word"] is None and slots["shout_failures"] == {"shout_word": 1}
    assert said == ["utter_word_invalid"]
    slots, said = await validate(ValidateShoutForm(), "shout_word", "h3llo", shout_failures={"shout_word": 1})
    assert slots["shout_failures"] == {"shout_word": 2}
    assert said == ["utter_why_word", "utter_skip_or_stop"]


async def test_failures_can_be_remembered_as_a_list_of_slots():
    slots, said = await validate(ValidateQuietForm(), "shout_word", "123")
    assert (slots["quiet_hints"], said) == (["shout_word"], ["utter_word_invalid"])
    slots, said = await validate(ValidateQuietForm(), "shout_word", "123", quiet_hints=["shout_word"])
    assert (slots["quiet_hints"], said) == (["shout_word"], ["utter_why_word", "utter_skip_or_stop"])


async def test_free_text_is_kept_as_typed_up_to_its_limit_and_only_skip_skips():
    slots, _ = await validate(ValidateShoutForm(), "shout_story", " a long story indeed ")
    assert slots["shout_story"] == "a long sto"
    assert (await validate(ValidateShoutForm(), "shout_story", "none"))[0]["shout_story"] == "none"
    assert (await validate(ValidateShoutForm(), "shout_story", "skip"))[0]["shout_story"] == SKIPPED


def test_the_base_is_abstract_so_the_action_server_never_registers_it():
    assert inspect.isabstract(FormValidation)
    executor = ActionExecutor()
    executor.register_package("actions")
    assert "validate_complaint_form" in executor.actions
    assert not any(name is None for name in executor.actions)


def tracker_with_risk(slot, text, risk):
    parse = {"text": text, "intent": {"name": "emergency" if risk["level"] == "danger_now" else "x"}, "entities": [],
             "risk": risk}
    return Tracker(
        "sender", {"requested_slot": slot, slot: text}, parse,
        [{"event": "slot", "name": slot, "value": text}], False, None, {"name": "shout_form"}, "action_listen",
    )


async def validate_with_risk(slot, text, risk):
    dispatcher = CollectingDispatcher()
    events = await ValidateShoutForm().run(dispatcher, tracker_with_risk(slot, text, risk), DOMAIN)
    said = [message["response"] for message in dispatcher.messages]
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}, said


SURE = {"level": "danger_now", "kind": None, "score": 0.97, "sure": True, "net": None, "narrative": False}
UNSURE = {"level": "danger_now", "kind": None, "score": 0.6, "sure": False, "net": None, "narrative": False}
NONE = {"level": "none", "kind": None, "score": 0.01, "sure": False, "net": None, "narrative": True}


async def test_danger_the_classifier_is_sure_of_interrupts_a_free_text_answer_with_999_first():
    slots, said = await validate_with_risk("shout_story", "hes outside with a knife", SURE)
    assert said == ["utter_emergency"]
    assert slots["shout_story"] is None  # not taken as the answer: the form asks again after the 999 message


async def test_possible_danger_keeps_the_answer_and_reminds_of_999():
    slots, said = await validate_with_risk("shout_story", "they kicked me", UNSURE)
    assert said == ["utter_danger_reminder"]
    assert slots["shout_story"] == "they kicked"[:10]


async def test_a_story_of_the_past_is_simply_the_answer():
    slots, said = await validate_with_risk("shout_story", "was hit", NONE)
    assert said == [] and slots["shout_story"] == "was hit"


async def test_a_buttons_intent_payload_is_not_taken_as_the_answer_and_the_question_is_asked_again():
    # A press repeated (or retried after its answer was lost) arrives while the form asks its first question.
    slots, said = await validate(ValidateShoutForm(), "shout_story", "/search_lost_item")
    assert slots["shout_story"] is None and said == []
    assert "shout_failures" not in slots  # not a failed answer: nothing to explain


async def test_an_answer_that_only_contains_a_slash_is_still_an_answer():
    slots, _ = await validate(ValidateShoutForm(), "shout_story", "n/a")
    assert slots["shout_story"] == "n/a"


STALKING = {"level": "disclosure", "kind": "stalking_harassment", "score": 0.0, "sure": False, "net": None,
            "narrative": True}


async def test_a_harm_told_for_a_short_answer_gets_its_help_and_the_question_again():
    slots, said = await validate_with_risk("shout_word", "my ex keeps following me home", STALKING)
    assert said == ["utter_stalking_harassment"]
    assert slots["shout_word"] is None  # not taken as the answer: the form asks again


async def test_a_name_that_sounds_like_a_harm_is_still_a_name():
    slots, said = await validate_with_risk("shout_word", "Stalker", STALKING)
    assert said == [] and slots["shout_word"] == "STALKER"


async def test_a_harm_told_in_a_story_answer_is_the_answer():
    # What happened, in a complaint about the police, is often a harm: it is the answer there.
    slots, said = await validate_with_risk("shout_story", "he hit me", STALKING)
    assert said == [] and slots["shout_story"] == "he hit me"


def test_each_kind_of_harm_gets_the_help_its_topics_get():
    config = YAML(typ="safe").load((PROJECT_ROOT / "config.yml").read_text())
    topics = next(c for c in config["pipeline"] if c["name"].endswith("RiskClassifier"))["harm_topics"]
    domain = YAML(typ="safe").load((PROJECT_ROOT / "domain.yml").read_text())
    assert set(HARM_HELP) == set(topics.values())
    for kind, response in HARM_HELP.items():
        assert response.removeprefix("utter_") in [intent for intent, k in topics.items() if k == kind]
        assert response in domain["responses"]


async def test_a_harm_typed_with_a_curly_apostrophe_is_still_a_story():
    # Phones type \u2019 for an apostrophe: "He\u2019s following" is a harm told, not a name.
    slots, said = await validate_with_risk("shout_word", "He\u2019s following", STALKING)
    assert said == ["utter_stalking_harassment"]
    assert slots["shout_word"] is None
