"""When Rasa gives nothing usable: within BOT_RASA_TIMEOUT, an apology with the phone number for what the
resident was doing and 999, in the one error shape; nothing in the conversation is changed."""

import asyncio
import inspect
import uuid
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web import apology, relay
from bot.web.apology import APOLOGIES, CASE, COMPLAINT, GENERAL, LOST
from bot.web.app import create_app
from bot.web.keys import STATE
from bot.web.relay import turn_key
from rasa_addons.stored_events import TURN_KEY

COMPLAINT_FORM = {"active_loop": {"name": "complaint_form"}}


async def _send(client, sender=None, message="hi", **extra):
    body = {"sender": sender or str(uuid.uuid4()), "message": message, **extra}
    return await client.post("/api/chat", json=body)


@pytest.fixture
def waits(monkeypatch):
    """The seconds the web app allows each of its calls to Rasa, in order: the real calls, recorded on the way.

    "Within BOT_RASA_TIMEOUT" is asserted from these, not by timing the request: the fake Rasa hangs for far
    longer, so an apology (rather than its answer) shows each wait was enforced, and these show for how long.
    """
    recorded: list[tuple[str, float]] = []
    for module, name in ((relay, "post_message"), (relay, "tracker_state"), (apology, "tracker_state")):
        real = getattr(module, name)

        async def spy(*args, _real=real, _name=name, **kwargs):
            recorded.append((_name, inspect.signature(_real).bind(*args, **kwargs).arguments["timeout"]))
            return await _real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return recorded


def _within(waits, seconds):
    """Rasa was waited for, each wait bounded, and all of them together fit in `seconds`."""
    assert waits, "Rasa was never asked"
    assert sum(timeout for _, timeout in waits) <= seconds, waits


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
    response = await _send(client)
    assert response.status == 502
    error = (await response.json())["error"]
    assert error["code"] == "assistant_no_answer"
    assert error["message"] == APOLOGIES[topic]
    assert all(number in error["message"] for number in [*numbers, "999"])


async def test_a_reply_with_nothing_to_show_is_no_answer(client, fake_rasa):
    fake, _ = fake_rasa
    fake.answer = [{"recipient_id": "x", "image": "https://example.org/cat.png"}, "junk"]
    response = await _send(client)
    assert response.status == 502


async def test_a_hung_turn_gets_the_apology_within_five_seconds(client, fake_rasa, app_settings, waits):
    fake, _ = fake_rasa
    fake.delay = 30  # a hung action server
    fake.tracker = COMPLAINT_FORM
    response = await _send(client)
    assert response.status == 504
    error = (await response.json())["error"]
    assert error["code"] == "assistant_timeout" and "01707 806100" in error["message"] and "999" in error["message"]
    assert app_settings.rasa_timeout_seconds == 5
    assert [name for name, _ in waits] == ["post_message", "tracker_state"]  # the turn, then the topic
    _within(waits, app_settings.rasa_timeout_seconds)


async def test_the_next_message_does_not_hang_either(client, fake_rasa, app_settings, waits):
    fake, _ = fake_rasa
    fake.delay = 30
    sender = str(uuid.uuid4())
    for _ in range(2):
        waits.clear()
        response = await _send(client, sender)
        assert response.status == 504
        assert (await response.json())["error"]["code"] == "assistant_timeout"
        _within(waits, app_settings.rasa_timeout_seconds)
    assert len(fake.received) == 2  # each was relayed, and each apologised for in time


async def test_a_slow_tracker_still_gets_the_general_numbers_in_time(client, fake_rasa, app_settings, waits):
    fake, _ = fake_rasa
    fake.delay = 30
    fake.tracker_delay = 30
    fake.tracker = COMPLAINT_FORM
    response = await _send(client)
    assert response.status == 504
    assert (await response.json())["error"]["message"] == APOLOGIES[GENERAL]  # the tracker's 30 s were not awaited
    assert len(fake.tracker_requests) == 1
    _within(waits, app_settings.rasa_timeout_seconds)


async def test_rasa_down_gets_the_general_numbers(client, fake_rasa):
    _, server = fake_rasa
    await server.close()
    response = await _send(client)
    assert response.status == 503  # the refused connection itself, not a timeout (504) waiting for it
    error = (await response.json())["error"]
    assert error["code"] == "assistant_unavailable" and error["message"] == APOLOGIES[GENERAL]


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
    assert (await _send(client, sender, message_id="m-1")).status == 502
    fake.answer = None
    response = await _send(client, sender, message_id="m-1")
    assert response.status == 200  # the retry reached Rasa again
    assert len(fake.received) == 2


async def test_feedback_inside_a_form_never_reaches_rasa(client, fake_rasa):
    fake, _ = fake_rasa
    fake.tracker = COMPLAINT_FORM
    response = await _send(client, message='/feedback{"helpful": true}')
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "feedback_in_form"
    assert fake.received == []
    fake.tracker = {"active_loop": {}}
    response = await _send(client, message='/feedback{"helpful": true}')
    assert response.status == 200
    assert fake.received[-1]["message"] == '/feedback{"helpful": true}'


async def test_feedback_is_refused_when_rasa_cannot_say_whether_a_form_is_open(client, fake_rasa, waits):
    fake, _ = fake_rasa
    fake.tracker_delay = 30
    response = await _send(client, message='/feedback{"helpful": false}')
    assert response.status == 503  # the tracker's 30 s were not awaited
    assert (await response.json())["error"]["message"] == APOLOGIES[GENERAL]
    assert waits == [("tracker_state", relay.LOOKUP_SECONDS)]  # one short look, and nothing sent
    assert fake.received == []


@pytest.fixture
async def quick_client(app_settings):
    """The web app with BOT_RASA_TIMEOUT=2: it waits 1.6 s for Rasa, and 4 s for a turn it stopped waiting for."""
    async with TestClient(TestServer(create_app(replace(app_settings, rasa_timeout_seconds=2)))) as test_client:
        yield test_client


async def _answered(fake, count: int) -> None:
    for _ in range(100):
        if len(fake.answered) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("Rasa never answered")


@pytest.mark.parametrize("resend_after_the_late_answer", [False, True])
async def test_the_same_message_sent_again_after_a_timeout_gets_the_late_answer_and_reaches_rasa_once(
    quick_client, fake_rasa, resend_after_the_late_answer
):
    fake, _ = fake_rasa
    fake.delay = 2.5  # slower than the 1.6 s the resident waits, quicker than the 4 s the turn is awaited for
    fake.tracker = COMPLAINT_FORM
    sender = str(uuid.uuid4())
    response = await _send(quick_client, sender, "Robin Example", message_id="m-1")
    assert response.status == 504  # not kept waiting for the 2.5 s answer (that would have been a 200)
    assert "01707 806100" in (await response.json())["error"]["message"]
    if resend_after_the_late_answer:
        await _answered(fake, 1)
    response = await _send(quick_client, sender, "Robin Example", message_id="m-1")
    assert response.status == 200
    assert await response.json() == [{"recipient_id": sender, "text": "echo: Robin Example", "kind": "other"}]
    assert [body["message"] for body in fake.received] == ["Robin Example"]  # one turn in Rasa, not two


async def test_a_turn_given_up_without_a_message_id_is_not_awaited(quick_client, fake_rasa):
    fake, _ = fake_rasa
    fake.delay = 2.5
    sender = str(uuid.uuid4())
    assert (await _send(quick_client, sender, "Robin Example")).status == 504
    await asyncio.sleep(1.5)
    assert fake.answered == []  # the relay closed the connection: Rasa's handler was cancelled, as Sanic's is
    fake.delay = 0
    assert (await _send(quick_client, sender, "Robin Example")).status == 200
    assert [body["message"] for body in fake.received] == ["Robin Example", "Robin Example"]


async def test_a_late_answer_for_a_conversation_forgotten_meanwhile_is_not_kept(quick_client, fake_rasa):
    fake, _ = fake_rasa
    fake.delay = 2.5
    sender = str(uuid.uuid4())
    assert (await _send(quick_client, sender, "my name is Robin", message_id="m-1")).status == 504
    assert (await quick_client.delete(f"/api/chat/{sender}")).status == 204
    await _answered(fake, 1)
    await asyncio.sleep(0.3)
    assert await quick_client.server.app[STATE].replay_get(sender, "m-1") is None
    response = await _send(quick_client, sender, "my name is Robin", message_id="m-1")
    assert response.status == 410


EMAIL_QUESTION = 'What email address can the team use to contact you? Type "skip" if you\'d rather give a phone number.'


def _events_after(sender: str, message_id: str) -> dict:
    """A tracker whose last turn is the message with this id, answered with a question and a button."""
    return {
        "active_loop": {"name": "complaint_form"},
        "events": [
            {"event": "user", "text": "earlier", "metadata": {"message_id": turn_key(sender, "m-0")}},
            {"event": "bot", "text": "What's your name?"},
            {"event": "user", "text": "[name]", "metadata": {"message_id": turn_key(sender, message_id)}},
            {"event": "slot", "name": "requested_slot", "value": "complaint_email"},
            {"event": "bot", "text": EMAIL_QUESTION, "data": {"buttons": [{"title": "Skip", "payload": "skip"}]}},
            {"event": "action", "name": "action_listen"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize("status", [502, 500])
async def test_a_turn_rasa_stored_before_failing_is_answered_from_its_tracker(client, fake_rasa, status):
    fake, _ = fake_rasa
    fake.status = status  # the Rasa server stored the turn, then died before answering (nginx: 502)
    sender = str(uuid.uuid4())
    fake.tracker = _events_after(sender, "m-1")
    response = await _send(client, sender, "Robin Example", message_id="m-1")
    assert response.status == 200
    assert await response.json() == [{
        "recipient_id": sender, "text": EMAIL_QUESTION,
        "buttons": [{"title": "Skip", "payload": "skip"}], "kind": "other",
    }]  # fmt: skip
    # Rasa gets (and the tracker store keeps) a hash of the conversation and the id, never the client's own text.
    assert fake.received[0]["metadata"]["message_id"] == turn_key(sender, "m-1") != "m-1"
    assert TURN_KEY.fullmatch(turn_key(sender, "Jane Smith 07700 900123"))  # the shape the tracker store keeps
    assert fake.tracker_requests[-1]["include_events"] == "AFTER_RESTART"
    fake.status = 200
    again = await _send(client, sender, "Robin Example", message_id="m-1")  # resent: the same answer, kept
    assert await again.json() == await response.json()
    assert len(fake.received) == 1  # Rasa never saw it twice


async def test_when_the_last_message_in_the_tracker_is_another_one_the_apology_stands(client, fake_rasa):
    fake, _ = fake_rasa
    fake.status = 502
    sender = str(uuid.uuid4())
    fake.tracker = _events_after(sender, "m-0")  # the dead Rasa never stored this message
    response = await _send(client, sender, "Robin Example", message_id="m-1")
    assert response.status == 502
    assert "01707 806100" in (await response.json())["error"]["message"]


async def test_without_a_message_id_the_events_are_never_read(client, fake_rasa):
    fake, _ = fake_rasa
    fake.status = 502
    sender = str(uuid.uuid4())
    fake.tracker = _events_after(sender, "m-1")
    response = await _send(client, sender, "Robin Example")
    assert response.status == 502
    assert [r["include_events"] for r in fake.tracker_requests] == ["NONE"]
