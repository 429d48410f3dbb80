"""End to end: a message through /api/chat reaches the real Rasa server (with the action server running)."""

import uuid

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
