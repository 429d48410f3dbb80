"""The chat transcript behind a complaint, read from Rasa's own `events` table (read only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import tracker_events

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
    lines = [_line(*row) for row in await tracker_events.messages(session, sender_id, limit=limit)]
    return [line for line in lines if line is not None]
