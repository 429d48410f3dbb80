"""Rasa's `events` table, the one place we touch it: a conversation's messages, and forgetting a conversation."""

from bot.services import tracker_events
from tests.rasa_events import create_events

EVENTS = [
    ("resident", "user", "hello"),
    ("resident", "action", None),
    ("someone-else", "user", "not theirs"),
    ("resident", "bot", "Hi, how can I help?"),
    ("resident", "slot", None),
]


async def test_nothing_is_there_before_rasa_ever_ran(session):
    assert not await tracker_events.exists(session)
    assert await tracker_events.messages(session, "resident", limit=10) == []
    assert await tracker_events.forget(session, "resident") == 0


async def test_messages_are_what_was_said_in_that_conversation_oldest_first(session):
    await create_events(session, EVENTS)
    assert await tracker_events.exists(session)
    rows = await tracker_events.messages(session, "resident", limit=10)
    assert [(type_name, '"hello"' in data or '"Hi, how' in data) for type_name, data, _ in rows] == [
        ("user", True),
        ("bot", True),
    ]
    assert len(await tracker_events.messages(session, "resident", limit=1)) == 1
    assert await tracker_events.messages(session, "", limit=10) == []


async def test_forgetting_deletes_only_that_conversation(session):
    await create_events(session, EVENTS)
    assert await tracker_events.forget(session, "resident") == 4
    assert await tracker_events.messages(session, "resident", limit=10) == []
    assert [data for _, data, _ in await tracker_events.messages(session, "someone-else", limit=10)] == [
        '{"text": "not theirs"}'
    ]
