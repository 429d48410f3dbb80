"""The "Did you mean ...?" question offers readable topics, never danger (the risk classifier decides that)."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation, candidates, title_for


def _tracker(ranking: list[tuple[str, float]]) -> Tracker:
    parse = {
        "text": "something unclear",
        "intent": {"name": "nlu_fallback", "confidence": 0.55},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.55}]
        + [{"name": name, "confidence": confidence} for name, confidence in ranking],
    }
    return Tracker("test", {}, parse, [], False, None, {}, "action_listen")


async def _run(ranking: list[tuple[str, float]]) -> list[dict]:
    dispatcher = CollectingDispatcher()
    events = await ActionDefaultAskAffirmation().run(dispatcher, _tracker(ranking), {})
    assert events == []
    return dispatcher.messages


def test_candidates_are_the_likeliest_plausible_topics():
    ranking = [("beacon_info", 0.45), ("beacon_process", 0.40), ("report_crime", 0.1), ("fraud", 0.04)]
    assert candidates({"intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}) == [
        "beacon_info",
        "beacon_process",
        "report_crime",
    ]


async def test_buttons_have_titles_and_intent_payloads():
    messages = await _run([("complain_police", 0.4), ("start_complaint", 0.38), ("deny", 0.1)])
    assert len(messages) == 1
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == ["/complain_police", "/start_complaint", "/out_of_scope"]
    assert buttons[0]["title"] == "Complaining about the police"
    assert messages[0]["text"].startswith("Sorry, I'm not sure I understood. Did you mean")


async def test_danger_is_never_offered_as_a_topic():
    # Whether a message is danger now is the risk classifier's decision, made before the fallback; an unsure
    # topic model's `emergency` is neither offered as a button nor turned into the 999 message here.
    messages = await _run([("report_crime", 0.4), ("emergency", 0.35)])
    assert len(messages) == 1
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/report_crime", "/out_of_scope"]


async def test_with_nothing_plausible_only_something_else_is_offered():
    messages = await _run([("affirm", 0.3), ("lost_property", 0.01)])
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/out_of_scope"]


def test_unknown_intents_get_their_name_in_words():
    assert title_for("some_new_topic") == "Some new topic"


async def test_form_steps_are_never_offered_as_topics():
    # Pressing "Complaint submit" or "Case detail" outside a form sends a form step, not a question.
    messages = await _run(
        [("complaint_submit", 0.3), ("case_detail", 0.2), ("complaint_why", 0.1), ("complaint_change", 0.1),
         ("complaint_status", 0.08)]
    )
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == ["/complaint_status", "/out_of_scope"]
    assert buttons[0]["title"] == "Checking on my complaint"
