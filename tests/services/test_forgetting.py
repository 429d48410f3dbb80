"""Forgetting a conversation: recorded by a hash for every process, its events deleted, under its lock."""

import asyncio
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text

from bot.db.models import ForgottenConversation
from bot.services import forgetting
from rasa_addons.forgetting import sender_hash
from tests.rasa_events import create_conversations, stored

SENDER, OTHER = "6f1c2d3e-0000-4000-8000-000000000001", "6f1c2d3e-0000-4000-8000-000000000002"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


async def _conversations(sessions):
    async with sessions() as session, session.begin():
        message = {"event": "user", "text": "hello"}
        await create_conversations(session, {SENDER: (1.0, [message]), OTHER: (1.0, [message])})


async def test_forget_records_a_hash_and_deletes_the_conversation(sessions):
    await _conversations(sessions)
    async with sessions() as session, session.begin():
        assert await forgetting.forget(session, SENDER, now=NOW) == 1
    async with sessions() as session:
        assert await forgetting.is_forgotten(session, SENDER)
        assert not await forgetting.is_forgotten(session, OTHER)
        hashes = list((await session.scalars(select(ForgottenConversation.sender_hash))).all())
        assert hashes == [sender_hash(SENDER)] and SENDER not in hashes[0]
        assert await stored(session, SENDER) == []
        assert len(await stored(session, OTHER)) == 1
        senders = (await session.execute(text("SELECT sender_id FROM tracker_senders"))).scalars().all()
        assert senders == [OTHER]  # the tracker store's record of it goes too: its cache is stale


async def test_forgetting_twice_is_fine_and_works_before_rasa_ever_ran(sessions):
    for _ in range(2):
        async with sessions() as session, session.begin():
            assert await forgetting.forget(session, SENDER, now=NOW) == 0
    async with sessions() as session:
        assert await forgetting.is_forgotten(session, SENDER)


async def test_the_record_expires(sessions):
    async with sessions() as session, session.begin():
        await forgetting.forget(session, SENDER, now=NOW - timedelta(days=31))
    async with sessions() as session, session.begin():
        await forgetting.forget(session, OTHER, now=NOW)
    async with sessions() as session, session.begin():
        assert await forgetting.expire(session, before=NOW - timedelta(days=30)) == 1
    async with sessions() as session:
        assert not await forgetting.is_forgotten(session, SENDER)
        assert await forgetting.is_forgotten(session, OTHER)


async def test_a_second_writer_of_the_conversation_waits_for_the_forget(sessions):
    """The lock the tracker store also takes (SQLite: the write lock; PostgreSQL: the conversation's advisory lock)."""
    await _conversations(sessions)
    order = []
    async with sessions() as forget_session:
        await forget_session.begin()
        await forgetting.forget(forget_session, SENDER, now=NOW)

        async def other_writer():
            async with sessions() as session, session.begin():
                await forgetting.lock_conversation(session, SENDER)
                order.append("other writer")
                return await forgetting.is_forgotten(session, SENDER)

        writer = asyncio.create_task(other_writer())
        await asyncio.sleep(0.5)
        order.append("forget commits")
        await forget_session.commit()
        assert await asyncio.wait_for(writer, 30) is True
    assert order == ["forget commits", "other writer"]
