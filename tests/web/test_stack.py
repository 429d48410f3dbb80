"""End to end: a message through /api/chat reaches the real Rasa server (with the action server running).

Each test runs on the session's stack of every backend under test (SQLite, and PostgreSQL when configured).
"""

import asyncio
import json
import os
import signal
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager

import psutil
import pytest
from sqlalchemy import text

from bot.db.engine import create_engine
from bot.web.relay import answered_in

pytestmark = pytest.mark.stack


async def _column(settings, sender, sql):
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return [row[0] for row in await connection.execute(text(sql), {"s": sender})]
    finally:
        await engine.dispose()


def _intents(settings, sender):
    query = "SELECT intent_name FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"
    return asyncio.run(_column(settings, sender, query))


def _stored_events(settings, sender):
    return asyncio.run(_column(settings, sender, "SELECT type_name FROM events WHERE sender_id = :s"))


def test_healthz_sees_every_service(any_stack):
    stack = any_stack
    status, body = stack.request("GET", "/healthz")
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "rasa": "ok", "actions": "ok"}}


def test_hello_gets_a_greeting_through_the_relay(any_stack):
    stack = any_stack
    replies = stack.chat(str(uuid.uuid4()), "hello")
    assert replies, "the assistant said nothing"
    assert "automated assistant" in replies[0]["text"]
    assert "999" in replies[0]["text"]


def test_the_helpful_buttons_reach_the_widget_as_json_and_rasa_logs_no_placeholder_error(any_stack):
    stack = any_stack
    replies = stack.chat(str(uuid.uuid4()), "thank you")
    buttons = [button["payload"] for reply in replies for button in reply.get("buttons") or []]
    assert buttons == ['/feedback{"helpful": true}', '/feedback{"helpful": false}']
    assert "interpolator" not in stack.log()


def test_danger_gets_999_first(any_stack):
    stack = any_stack
    replies = stack.chat(str(uuid.uuid4()), "someone is breaking into my house right now")
    assert replies[0]["text"].startswith("If you or someone else is in danger right now, call 999")


def test_a_past_harm_told_with_personal_details_gets_its_help_and_the_details_are_not_kept(any_stack):
    stack = any_stack
    sender = str(uuid.uuid4())
    message = "my stepdad hit me for years when i was a kid, im 24 now. my name is Priya Khan, 07700 900456, AL1 3XY"
    said = " ".join(reply.get("text") or "" for reply in stack.chat(sender, message))
    # The help for that harm, not "please don't share personal details" (the postcode made it a case detail).
    assert "0808 2000 247" in said and "999" in said
    assert "share personal details" not in said
    stored = " ".join(asyncio.run(_column(stack.settings, sender, "SELECT data FROM events WHERE sender_id = :s")))
    assert stored and all(detail not in stored for detail in ("Priya Khan", "07700 900456", "AL1 3XY", "stepdad"))


def test_a_question_that_discloses_a_past_harm_gets_its_answer_then_the_help_for_that_harm(any_stack):
    stack = any_stack
    sender = str(uuid.uuid4())
    message = "how do i claim compensation, a man punched me in the face at the station last month"
    texts = [reply.get("text") or "" for reply in stack.chat(sender, message)]
    # What was asked first (it used to get only the help after an assault), then that help, and no 999 block.
    assert "Criminal Injuries Compensation Authority (CICA)" in texts[0]
    help_opening = "If you're in danger now, call 999.\nI'm sorry this happened to you"
    assert any(text.startswith(help_opening) for text in texts[1:])
    assert not texts[0].startswith("If you or someone else is in danger right now")
    assert _intents(stack.settings, sender) == ["compensation"]
    stored = " ".join(asyncio.run(_column(stack.settings, sender, "SELECT data FROM events WHERE sender_id = :s")))
    assert "punched" not in stored and "[disclosure]" in stored  # still a disclosure: its words are not kept


def test_a_question_told_with_a_name_an_address_and_a_postcode_is_answered_and_the_details_are_not_kept(any_stack):
    stack = any_stack
    sender = str(uuid.uuid4())
    message = (  # made up
        "how do i claim compensation, my neighbour Dean Hollis broke my nose in march, I live at 14 Orchard Close "
        "AL5 2QT"
    )
    texts = [reply.get("text") or "" for reply in stack.chat(sender, message)]
    # It used to be taken for a case detail typed unasked: "Please don't share personal details" and nothing else.
    assert "Criminal Injuries Compensation Authority (CICA)" in texts[0]
    assert not any(text.startswith("Please don't share personal details") for text in texts)
    assert _intents(stack.settings, sender) == ["compensation"]
    stored = " ".join(asyncio.run(_column(stack.settings, sender, "SELECT data FROM events WHERE sender_id = :s")))
    assert "claim compensation" in stored  # the question is kept, as the README says
    assert [word for word in ["Dean", "Hollis", "14 Orchard", "AL5"] if word in stored] == []
    assert "[postcode]" in stored and "[address]" in stored


def test_conversation_is_kept_in_the_tracker_store(any_stack):
    stack = any_stack
    sender = str(uuid.uuid4())
    stack.chat(sender, "hi")
    stack.chat(sender, "what can you do")
    assert _intents(stack.settings, sender) == ["greet", "capabilities"]


def test_rasa_keeps_the_message_id_so_a_finished_turn_whose_answer_was_lost_can_be_read_back(any_stack):
    stack = any_stack
    sender = str(uuid.uuid4())
    stack.chat(sender, "/start_complaint")
    status, replies = stack.request(
        "POST", "/api/chat", {"sender": sender, "message": "I was affected", "message_id": "m-stack-1"}
    )
    assert status == 200
    # What the relay reads when a connection fails after Rasa stored the turn: the same messages, from the tracker.
    query = urllib.parse.urlencode({"include_events": "AFTER_RESTART", "token": stack.settings.rasa_token})
    with urllib.request.urlopen(f"{stack.settings.rasa_url}/conversations/{sender}/tracker?{query}") as response:
        events = json.loads(response.read())["events"]
    read_back = answered_in(events, sender, "m-stack-1")
    assert [(r["text"], r.get("buttons")) for r in read_back] == [(r["text"], r.get("buttons")) for r in replies]
    assert "What's your name?" in read_back[-1]["text"]
    assert answered_in(events, sender, "another-id") == []


def test_the_relay_keeps_the_message_out_of_the_log(any_stack):
    stack = any_stack
    secret = f"my name is Zebedee{uuid.uuid4().hex[:6]}"
    stack.chat(str(uuid.uuid4()), secret)
    assert secret not in stack.log()


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3])
def test_a_conversation_forgotten_while_a_message_is_in_flight_stays_forgotten(any_stack, delay):
    """The quick exit lands while Rasa is answering (at several moments of the turn): nothing is stored after."""
    import threading

    stack = any_stack
    sender = str(uuid.uuid4())
    stack.chat(sender, "hello")
    answered = {}
    in_flight = threading.Thread(
        target=lambda: answered.update(status=stack.request(
            "POST", "/api/chat", {"sender": sender, "message": "my email is someone@example.org, what can you do?"}
        )[0])
    )  # fmt: skip
    in_flight.start()
    time.sleep(delay)
    assert stack.request("POST", f"/api/chat/{sender}/forget")[0] == 204
    in_flight.join(60)
    assert answered["status"] in (200, 410)
    time.sleep(1.0)  # anything still to be written by Rasa would be by now
    assert _stored_events(stack.settings, sender) == []
    assert stack.request("POST", "/api/chat", {"sender": sender, "message": "hello again"})[0] == 410


@contextmanager
def _action_server_hung(stack):
    """Freeze the stack's action server (SIGSTOP): it accepts connections and never answers, as a hung one."""
    supervisor = psutil.Process(stack.process.pid)
    [actions] = [p for p in supervisor.children(recursive=True) if "rasa_sdk" in " ".join(p.cmdline())]
    os.kill(actions.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(actions.pid, signal.SIGCONT)


def _sent(stack, sender, message):
    """(status, body) of one message. The action server never answers while hung, nor does Rasa without it: an
    answer at all means the web app gave up waiting (how soon, within BOT_RASA_TIMEOUT: tests/web/test_relay.py).
    Were it to wait on, the request's own timeout would fail the test."""
    return stack.request("POST", "/api/chat", {"sender": sender, "message": message})


def test_a_hung_action_server_gets_an_apology_in_time_and_the_form_carries_on(stack):
    sender = str(uuid.uuid4())
    assert "who is making this complaint" in stack.chat(sender, "/start_complaint")[-1]["text"]
    assert "What's your name?" in stack.chat(sender, "I was affected")[-1]["text"]
    with _action_server_hung(stack):
        for _ in range(2):  # the next message does not hang behind the first (Rasa's lock is free again)
            status, body = _sent(stack, sender, "Robin Example")
            assert status == 504, body
            assert body["error"]["code"] == "assistant_timeout"
            message = body["error"]["message"]
            assert "01707 806100" in message and "999" in message  # the complaint form was in progress
    # The hung turns left nothing behind: the name is asked for once more, and the role answered before is kept.
    replies = stack.chat(sender, "Robin Example")
    assert "email address" in replies[-1]["text"]


def test_a_button_pressed_twice_asks_its_question_again_rather_than_taking_the_payload_as_the_answer(stack):
    sender = str(uuid.uuid4())

    def said(message: str) -> str:
        return " ".join(reply.get("text") or "" for reply in stack.chat(sender, message)).lower()

    said("I've lost my phone")
    assert "what have you lost" in said("/search_lost_item")
    # Pressed again (or a retry of a press whose answer never arrived): the same question, not "what colour".
    again = said("/search_lost_item")
    assert "what have you lost" in again and "colour" not in again
    assert "colour or make" in said("a black iPhone")


def test_with_the_action_server_hung_a_new_conversation_gets_the_general_numbers(stack):
    with _action_server_hung(stack):
        status, body = _sent(stack, str(uuid.uuid4()), "/start_complaint")
    assert status in (502, 504), body
    assert "101" in body["error"]["message"] and "999" in body["error"]["message"]
