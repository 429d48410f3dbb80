"""Rasa's own `events` table (its SQL tracker store): the one place that names its columns.

Rasa creates and owns the table (Alembic leaves it alone, see bot.db.base.RASA_TABLES), so it is declared
here as a lightweight table of only the columns we use: to read a complaint's transcript, and to delete a
conversation its owner asked us to forget. Nothing else of ours touches it.
"""

from __future__ import annotations

from sqlalchemy import column, delete, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncSession

EVENTS = table("events", column("id"), column("sender_id"), column("type_name"), column("timestamp"), column("data"))
MESSAGE_TYPES = ("user", "bot")  # what the resident said and what the assistant said


async def exists(session: AsyncSession) -> bool:
    """Whether Rasa has created its table in this database (it has not, where Rasa never ran)."""
    return await session.run_sync(lambda sync: inspect(sync.connection()).has_table(EVENTS.name))


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


async def forget(session: AsyncSession, sender_id: str) -> int:
    """Delete every event of this conversation; returns how many rows went (0 if Rasa never ran here)."""
    if not await exists(session):
        return 0
    result = await session.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
    return result.rowcount or 0
