"""The chat transcript behind a complaint, read from Rasa's own `events` table (read only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from sqlalchemy import column, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncSession

# Rasa's SQL tracker store owns this table; we name only the columns we read.
EVENTS = table("events", column("id"), column("sender_id"), column("type_name"), column("timestamp"), column("data"))
TRANSCRIPT_LIMIT = 1000


@dataclass(frozen=True)
class Line:
    """One message of the conversation."""

    speaker: Literal["resident", "assistant"]
    text: str
    at: datetime | None


def _line(type_name: str, raw: str | None, timestamp: float | None) -> Line | None:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text:
        return None
    at = datetime.fromtimestamp(timestamp, tz=timezone.utc) if timestamp else None
    return Line("resident" if type_name == "user" else "assistant", text, at)


async def transcript(session: AsyncSession, sender_id: str, *, limit: int = TRANSCRIPT_LIMIT) -> list[Line]:
    """What the resident and the assistant said in this conversation, oldest first ([] if Rasa never ran here)."""
    has_events = await session.run_sync(lambda sync: inspect(sync.connection()).has_table("events"))
    if not has_events or not sender_id:
        return []
    query = (
        select(EVENTS.c.type_name, EVENTS.c.data, EVENTS.c.timestamp)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(("user", "bot")))
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    lines = [_line(type_name, data, timestamp) for type_name, data, timestamp in (await session.execute(query)).all()]
    return [line for line in lines if line is not None]
