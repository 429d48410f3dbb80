"""End to end: a message through /api/chat reaches the real Rasa server (with the action server running)."""

import os
import signal
import time
import uuid
from contextlib import contextmanager

import psutil
import pytest

pytestmark = pytest.mark.stack


def test_healthz_sees_every_service(stack):
    status, body = stack.request("GET", "/healthz")
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "rasa": "ok", "actions": "ok"}}


def test_hello_gets_a_greeting_through_the_relay(stack):
    replies = stack.chat(str(uuid.uuid4()), "hello")
    assert replies, "the assistant said nothing"
    assert "automated assistant" in replies[0]["text"]
    assert "999" in replies[0]["text"]


def test_danger_gets_999_first(stack):
    replies = stack.chat(str(uuid.uuid4()), "someone is breaking into my house right now")
    assert replies[0]["text"].startswith("If you or someone else is in danger right now, call 999")


def test_conversation_is_kept_in_the_tracker_store(stack):
    sender = str(uuid.uuid4())
    stack.chat(sender, "hi")
    stack.chat(sender, "what can you do")
    import sqlite3

    with sqlite3.connect(stack.settings.var_dir / "bot.db") as db:
        intents = [row[0] for row in db.execute(
            "SELECT intent_name FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        )]
    assert intents == ["greet", "capabilities"]


def test_the_relay_keeps_the_message_out_of_the_log(stack):
    secret = f"my name is Zebedee{uuid.uuid4().hex[:6]}"
    stack.chat(str(uuid.uuid4()), secret)
    assert secret not in stack.log()


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


def _timed(stack, sender, message):
    started = time.monotonic()
    status, body = stack.request("POST", "/api/chat", {"sender": sender, "message": message})
    return status, body, time.monotonic() - started


def test_a_hung_action_server_gets_an_apology_in_time_and_the_form_carries_on(stack):
    sender = str(uuid.uuid4())
    assert "who is making this complaint" in stack.chat(sender, "/start_complaint")[-1]["text"]
    assert "What's your name?" in stack.chat(sender, "I was affected")[-1]["text"]
    with _action_server_hung(stack):
        for _ in range(2):  # the next message does not hang behind the first (Rasa's lock is free again)
            status, body, elapsed = _timed(stack, sender, "Robin Example")
            assert status == 504, body
            assert elapsed < 5.5
            message = body["error"]["message"]
            assert "01707 806100" in message and "999" in message  # the complaint form was in progress
    # The hung turns left nothing behind: the name is asked for once more, and the role answered before is kept.
    replies = stack.chat(sender, "Robin Example")
    assert "email address" in replies[-1]["text"]


def test_with_the_action_server_hung_a_new_conversation_gets_the_general_numbers(stack):
    with _action_server_hung(stack):
        status, body, elapsed = _timed(stack, str(uuid.uuid4()), "/start_complaint")
    assert status in (502, 504) and elapsed < 5.5
    assert "101" in body["error"]["message"] and "999" in body["error"]["message"]
