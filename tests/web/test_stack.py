"""End to end: a message through /api/chat reaches the real Rasa server (with the action server running).

Each test runs on the session's stack of every backend under test (SQLite, and PostgreSQL when configured).
"""

import asyncio
import uuid

import pytest
from sqlalchemy import text

from bot.db.engine import create_engine

pytestmark = pytest.mark.stack


async def _intents(settings, sender):
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            query = text("SELECT intent_name FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id")
            return [row[0] for row in await connection.execute(query, {"s": sender})]
    finally:
        await engine.dispose()


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


def test_danger_gets_999_first(any_stack):
    stack = any_stack
    replies = stack.chat(str(uuid.uuid4()), "someone is breaking into my house right now")
    assert replies[0]["text"].startswith("If you or someone else is in danger right now, call 999")


def test_conversation_is_kept_in_the_tracker_store(any_stack):
    stack = any_stack
    sender = str(uuid.uuid4())
    stack.chat(sender, "hi")
    stack.chat(sender, "what can you do")
    assert asyncio.run(_intents(stack.settings, sender)) == ["greet", "capabilities"]


def test_the_relay_keeps_the_message_out_of_the_log(any_stack):
    stack = any_stack
    secret = f"my name is Zebedee{uuid.uuid4().hex[:6]}"
    stack.chat(str(uuid.uuid4()), secret)
    assert secret not in stack.log()
