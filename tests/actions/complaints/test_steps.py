"""The complaint form's steps: the read-back, starting a form, "why?", and cancelling."""

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.complaints import steps
from tests.actions.complaints.helpers import ANSWERS, CLEARED, DOMAIN, count, responses, tracker


async def test_the_read_back_lists_every_answer_with_the_three_buttons(db):
    dispatcher = CollectingDispatcher()
    await steps.ActionAskComplaintConfirm().run(dispatcher, tracker(ANSWERS), DOMAIN)
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
    events = await steps.ActionStartComplaint().run(dispatcher, tracker(ANSWERS), DOMAIN)
    assert responses(dispatcher) == ["utter_complaint_intro"]
    assert all(event in events for event in CLEARED)
    [form_id] = [event["value"] for event in events if event["name"] == "complaint_form_id"]
    assert len(form_id) == 32


async def test_why_explains_the_current_question(db):
    dispatcher = CollectingDispatcher()
    state = tracker({"requested_slot": "complaint_email"})
    await steps.ActionExplainComplaintQuestion().run(dispatcher, state, DOMAIN)
    assert responses(dispatcher) == ["utter_complaint_why_email"]


async def test_cancel_keeps_nothing(db):
    events = await steps.ActionClearComplaint().run(CollectingDispatcher(), tracker(ANSWERS), DOMAIN)
    assert all(event in events for event in CLEARED)
    assert SlotSet("complaint_form_id", None) in events
    assert await count(db) == 0
