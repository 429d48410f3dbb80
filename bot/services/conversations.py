"""Forgetting a conversation: deleting one sender's rows from Rasa's own `events` table."""

from __future__ import annotations

from sqlalchemy import column, delete, inspect, table
from sqlalchemy.ext.asyncio import AsyncSession

# Rasa's SQL tracker store owns this table (it creates it, and Alembic leaves it alone), so we name
# only the one column we filter on instead of declaring a model for it.
EVENTS = table("events", column("sender_id"))


async def forget(session: AsyncSession, sender_id: str) -> int:
    """Delete every event of this conversation; returns how many rows went (0 if Rasa never ran here)."""
    has_events = await session.run_sync(lambda sync: inspect(sync.connection()).has_table("events"))
    if not has_events:
        return 0
    result = await session.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
    return result.rowcount or 0
