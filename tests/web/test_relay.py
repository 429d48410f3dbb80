"""When Rasa gives nothing usable: within BOT_RASA_TIMEOUT, an apology with the phone number for what the
resident was doing and 999, in the one error shape; nothing in the conversation is changed."""

import time
import uuid

import pytest

from bot.web.apology import APOLOGIES, CASE, COMPLAINT, GENERAL, LOST

COMPLAINT_FORM = {"active_loop": {"name": "complaint_form"}}


async def _send(client, sender=None, message="hi", **extra):
    body = {"sender": sender or str(uuid.uuid4()), "message": message, **extra}
    started = time.monotonic()
    response = await client.post("/api/chat", json=body)
    return response, time.monotonic() - started


@pytest.mark.parametrize(
    ("tracker", "topic", "numbers"),
    [
        (COMPLAINT_FORM, COMPLAINT, ["01707 806100"]),
        ({"active_loop": {"name": "complaint_status_form"}}, COMPLAINT, ["01707 806100"]),
        ({"active_loop": {"name": "case_status_form"}}, CASE, ["101"]),
        ({"active_loop": {"name": "lost_item_form"}}, LOST, ["101"]),
        ({"active_loop": {}, "latest_message": {"intent": {"name": "complain_police"}}}, COMPLAINT, ["01707 806100"]),
        ({"active_loop": {}, "latest_message": {"intent": {"name": "beacon_info"}}}, GENERAL, ["101", "0300 011 5555"]),
        ({}, GENERAL, ["101", "0300 011 5555"]),
    ],
)
async def test_an_empty_answer_becomes_the_apology_for_what_they_were_doing(client, fake_rasa, tracker, topic, numbers):
    fake, _ = fake_rasa
    fake.answer = []  # what Rasa says when the action server is down
    fake.tracker = tracker
    response, _ = await _send(client)
    assert response.status == 502
    error = (await response.json())["error"]
    assert error["code"] == "assistant_no_answer"
    assert error["message"] == APOLOGIES[topic]
    assert all(number in error["message"] for number in [*numbers, "999"])


async def test_a_reply_with_nothing_to_show_is_no_answer(client, fake_rasa):
    fake, _ = fake_rasa
    fake.answer = [{"recipient_id": "x", "image": "https://example.org/cat.png"}, "junk"]
    response, _ = await _send(client)
    assert response.status == 502


async def test_a_hung_turn_gets_the_apology_within_five_seconds(client, fake_rasa):
    fake, _ = fake_rasa
    fake.delay = 30  # a hung action server
    fake.tracker = COMPLAINT_FORM
    response, elapsed = await _send(client)
    assert response.status == 504
    error = (await response.json())["error"]
    assert error["code"] == "assistant_timeout" and "01707 806100" in error["message"] and "999" in error["message"]
    assert elapsed < 5.5


async def test_the_next_message_does_not_hang_either(client, fake_rasa):
    fake, _ = fake_rasa
    fake.delay = 30
    sender = str(uuid.uuid4())
    for _ in range(2):
        response, elapsed = await _send(client, sender)
        assert response.status == 504 and elapsed < 5.5


async def test_a_slow_tracker_still_gets_the_general_numbers_in_time(client, fake_rasa):
    fake, _ = fake_rasa
    fake.delay = 30
    fake.tracker_delay = 30
    fake.tracker = COMPLAINT_FORM
    response, elapsed = await _send(client)
    assert (await response.json())["error"]["message"] == APOLOGIES[GENERAL]
    assert elapsed < 5.5


async def test_rasa_down_gets_the_general_numbers(client, fake_rasa):
    _, server = fake_rasa
    await server.close()
    response, elapsed = await _send(client)
    assert response.status == 503
    error = (await response.json())["error"]
    assert error["code"] == "assistant_unavailable" and error["message"] == APOLOGIES[GENERAL]
    assert elapsed < 2


async def test_the_tracker_is_only_read_with_the_token_and_without_events(client, fake_rasa):
    fake, _ = fake_rasa
    fake.answer = []
    sender = str(uuid.uuid4())
    await _send(client, sender)
    assert fake.tracker_requests == [{"sender": sender, "include_events": "NONE", "token": "rasa-test-token"}]
    assert len(fake.received) == 1  # nothing else was sent to Rasa: the conversation is as it was


async def test_an_apology_is_not_replayed(client, fake_rasa):
    fake, _ = fake_rasa
    fake.answer = []
    sender = str(uuid.uuid4())
    assert (await _send(client, sender, message_id="m-1"))[0].status == 502
    fake.answer = None
    response, _ = await _send(client, sender, message_id="m-1")
    assert response.status == 200  # the retry reached Rasa again
    assert len(fake.received) == 2


async def test_feedback_inside_a_form_never_reaches_rasa(client, fake_rasa):
    fake, _ = fake_rasa
    fake.tracker = COMPLAINT_FORM
    response, _ = await _send(client, message='/feedback{"helpful": true}')
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "feedback_in_form"
    assert fake.received == []
    fake.tracker = {"active_loop": {}}
    response, _ = await _send(client, message='/feedback{"helpful": true}')
    assert response.status == 200
    assert fake.received[-1]["message"] == '/feedback{"helpful": true}'


async def test_feedback_is_refused_when_rasa_cannot_say_whether_a_form_is_open(client, fake_rasa):
    fake, _ = fake_rasa
    fake.tracker_delay = 30
    response, elapsed = await _send(client, message='/feedback{"helpful": false}')
    assert response.status == 503 and elapsed < 2
    assert fake.received == []
