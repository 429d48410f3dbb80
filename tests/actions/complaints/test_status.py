"""The complaint status check in the chat: reference and e-mail, no disclosure on a mismatch, the lock."""

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.complaints import status
from bot.services.complaints.status_check import PUBLIC_STATUS
from tests.actions.complaints.helpers import ANSWERS, DOMAIN, responses, submit, tracker


async def check(slots, sender="resident"):
    dispatcher = CollectingDispatcher()
    events = await status.ActionCheckComplaintStatus().run(
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
    assert messages[0]["status_text"] == PUBLIC_STATUS["new"]
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
    events = await status.ValidateComplaintStatusForm().run(dispatcher, state, DOMAIN)
    assert SlotSet("requested_slot", None) in events  # the form ends: the check action refuses


async def test_status_form_explains_a_malformed_reference(db):
    dispatcher = CollectingDispatcher()
    state = tracker(typed=("complaint_status_reference", "41/12345/26"), form="complaint_status_form")
    events = await status.ValidateComplaintStatusForm().run(dispatcher, state, DOMAIN)
    assert SlotSet("complaint_status_reference", None) in events
    assert responses(dispatcher) == ["utter_complaint_status_reference_invalid"]


async def test_stopping_the_check_forgets_its_details_but_keeps_a_complaint_waiting_to_be_sent():
    details = {"complaint_status_reference": "CRT-2026-00001", "complaint_status_email": "x@example.com",
               "complaint_failures": {"complaint_status_email": 1}}
    events = await status.ActionClearComplaintStatus().run(
        CollectingDispatcher(), tracker({**ANSWERS, **details}), DOMAIN
    )
    assert events == [SlotSet("complaint_status_reference", None), SlotSet("complaint_status_email", None),
                      SlotSet("complaint_failures", None)]
    assert not {event["name"] for event in events} & set(ANSWERS)  # the unsent complaint's answers stay
