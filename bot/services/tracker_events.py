"""The tracker store's tables (`events`, `tracker_senders`): the one place of ours that names their columns.

The Rasa server's tracker store (rasa_addons/tracker_store.py) creates and writes them; Alembic leaves them
alone (bot.db.base.RASA_TABLES). We read a complaint's transcript here, and remove conversations (forgetting,
retention, erasure) and form values (the sweep). Whoever changes a conversation's events here also deletes
or bumps its `tracker_senders` row: that is how the tracker store knows its cached copy is stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, column, delete, func, inspect, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from rasa_addons import stored_events

EVENTS = table("events", column("id"), column("sender_id"), column("type_name"), column("timestamp"), column("data"))
SENDERS = table(
    "tracker_senders",
    column("sender_id"),
    column("version"),
    column("form_values", Boolean),
    column("updated_at", Float),
)
MESSAGE_TYPES = ("user", "bot")  # what the resident said and what the assistant said


async def exists(session: AsyncSession) -> bool:
    """Whether the tracker store has created its tables in this database (it has not, where Rasa never ran)."""
    return await session.run_sync(lambda sync: inspect(sync.connection()).has_table(EVENTS.name))


async def _has_senders(session: AsyncSession) -> bool:
    return await session.run_sync(lambda sync: inspect(sync.connection()).has_table(SENDERS.name))


async def messages(session: AsyncSession, sender_id: str, *, limit: int) -> list[tuple[str, str | None, float | None]]:
    """(type_name, data, timestamp) of a conversation's messages, oldest first ([] if Rasa never ran here)."""
    if not sender_id or not await exists(session):
        return []
    query = (
        select(EVENTS.c.type_name, EVENTS.c.data, EVENTS.c.timestamp)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(MESSAGE_TYPES))
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    return [(type_name, data, timestamp) for type_name, data, timestamp in (await session.execute(query)).all()]


async def message_count(session: AsyncSession, sender_id: str) -> int:
    """How many messages this conversation holds (0 if Rasa never ran here)."""
    if not sender_id or not await exists(session):
        return 0
    query = select(func.count()).where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(MESSAGE_TYPES))
    return int(await session.scalar(query) or 0)


async def forget(session: AsyncSession, sender_id: str) -> int:
    """Delete every event of this conversation; returns how many rows went (0 if Rasa never ran here)."""
    return await delete_conversations(session, [sender_id])


async def delete_conversations(session: AsyncSession, sender_ids: Sequence[str]) -> int:
    """Delete every event of these conversations and what the tracker store knows of them; rows deleted."""
    if not sender_ids or not await exists(session):
        return 0
    deleted, senders = 0, await _has_senders(session)
    for chunk in _chunks(sender_ids):
        result = await session.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk)))
        deleted += result.rowcount or 0
        if senders:
            await session.execute(delete(SENDERS).where(SENDERS.c.sender_id.in_(chunk)))
    return deleted


def _chunks(sender_ids: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    """The ids in runs of `size`, so each statement's parameter list stays small."""
    for start in range(0, len(sender_ids), size):
        yield list(sender_ids[start : start + size])


async def delete_idle_conversations(session: AsyncSession, sender_ids: Sequence[str], *, before: datetime) -> int:
    """Delete these conversations, each only if it is still idle since `before`; returns how many went.

    A resident may come back between finding the idle conversations and deleting them. What the tracker store
    knows of each (its row in tracker_senders) is locked first, which waits for a save that holds it (SQLite:
    the delete waits for the write lock). The events go next, only if none is newer than `before` by then, so a
    turn stored meanwhile keeps its conversation; then the row of each conversation whose events all went, so
    the store reads it again from its events, never from its cache. A conversation kept keeps its row
    untouched (its events are too): the form sweep still finds the form values its new turn stored.
    """
    if not sender_ids or not await exists(session):
        return 0
    newer = EVENTS.alias("newer")
    recent = select(newer.c.id).where(newer.c.sender_id == EVENTS.c.sender_id, newer.c.timestamp >= before.timestamp())
    left = select(EVENTS.c.id).where(EVENTS.c.sender_id == SENDERS.c.sender_id)
    gone, senders = 0, await _has_senders(session)
    for chunk in _chunks(sender_ids):
        if senders:
            await session.execute(select(SENDERS.c.sender_id).where(SENDERS.c.sender_id.in_(chunk)).with_for_update())
        await session.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk), ~recent.exists()))
        if senders:
            await session.execute(delete(SENDERS).where(SENDERS.c.sender_id.in_(chunk), ~left.exists()))
        remaining = select(func.count(EVENTS.c.sender_id.distinct())).where(EVENTS.c.sender_id.in_(chunk))
        gone += len(chunk) - int(await session.scalar(remaining) or 0)
    return gone


async def idle_conversations(session: AsyncSession, *, before: datetime) -> list[str]:
    """Conversations with no event since `before` (by their newest event's time)."""
    if not await exists(session):
        return []
    newest = func.max(EVENTS.c.timestamp)
    query = select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(newest < before.timestamp())
    return list((await session.scalars(query)).all())


async def forms_left_idle(session: AsyncSession, *, before: datetime) -> list[str]:
    """Conversations still holding form values with nothing stored since `before` (a form left half-filled)."""
    if not await exists(session) or not await _has_senders(session):
        return []
    query = select(SENDERS.c.sender_id).where(
        SENDERS.c.form_values.is_(True), SENDERS.c.updated_at < before.timestamp()
    )
    return list((await session.scalars(query)).all())


async def remove_form_values(session: AsyncSession, sender_id: str, *, idle_before: datetime | None = None) -> int:
    """Remove every form value stored in this conversation (the sweep); returns how many events changed.

    With `idle_before`, only if nothing was stored since then (checked again here, under the caller's lock).
    """
    if idle_before is not None and await _has_senders(session):
        updated = await session.scalar(select(SENDERS.c.updated_at).where(SENDERS.c.sender_id == sender_id))
        if updated is not None and updated >= idle_before.timestamp():
            return 0
    rows = (
        await session.execute(
            select(EVENTS.c.id, EVENTS.c.data)
            .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name == "slot")
            .order_by(EVENTS.c.id)
        )
    ).all()
    events = [_loads(data) for _, data in rows]
    changed = list(stored_events.scrub_all(events))
    for index in changed:
        data = json.dumps(stored_events.without_value(events[index]))
        await session.execute(update(EVENTS).where(EVENTS.c.id == rows[index].id).values(data=data))
    if await _has_senders(session):
        await session.execute(
            update(SENDERS)
            .where(SENDERS.c.sender_id == sender_id)
            .values(version=SENDERS.c.version + 1, form_values=False)
        )
    return len(changed)


def _loads(data: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(data or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
