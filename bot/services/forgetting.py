"""Forgetting a conversation (the quick exit): for good, in every web process, whatever is in flight.

The forget records a hash of the conversation id in `forgotten_conversations` and deletes the conversation
in one transaction, holding the conversation's lock: SQLite's write lock (BEGIN IMMEDIATE) or PostgreSQL's
advisory lock on it (rasa_addons.forgetting.lock_key). The tracker store takes the same lock to store a
turn and checks the table first, so a message Rasa is still answering is never stored after the forget.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ForgottenConversation
from bot.services import clock, tracker_events
from rasa_addons.forgetting import lock_key, sender_hash


async def lock_conversation(session: AsyncSession, sender_id: str) -> None:
    """Take the conversation's lock until the transaction ends; must be the transaction's first statement."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(text("BEGIN IMMEDIATE"))
    else:
        await session.execute(select(func.pg_advisory_xact_lock(lock_key(sender_id))))


async def forget(session: AsyncSession, sender_id: str, *, now: datetime | None = None) -> int:
    """Record the conversation as forgotten and delete its events (call first in a new transaction)."""
    await lock_conversation(session, sender_id)
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    await session.execute(
        insert(ForgottenConversation)
        .values(sender_hash=sender_hash(sender_id), forgotten_at=now or clock.now())
        .on_conflict_do_nothing()
    )
    return await tracker_events.delete_conversations(session, [sender_id])


async def is_forgotten(session: AsyncSession, sender_id: str) -> bool:
    """Whether this conversation was forgotten (by any web process, before or after a restart)."""
    found = await session.scalar(
        select(ForgottenConversation.sender_hash).where(ForgottenConversation.sender_hash == sender_hash(sender_id))
    )
    return found is not None


async def expire(session: AsyncSession, *, before: datetime) -> int:
    """Drop the record of conversations forgotten before `before` (retention); returns how many."""
    result = await session.execute(delete(ForgottenConversation).where(ForgottenConversation.forgotten_at < before))
    return result.rowcount or 0
