"""Complaint references (CRT-YYYY-NNNNN): the year's counter, what residents type, and a form's submission key."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ComplaintCounter
from bot.services.complaints.details import ComplaintError

PREFIX = "CRT"
_TYPED = re.compile(r"(?<![A-Z0-9])" + PREFIX + r"\s*[-/ ]?\s*(\d{4})\s*[-/ ]?\s*(\d{1,5})(?!\d)", re.IGNORECASE)


def normalise_reference(raw: str) -> str:
    """The canonical CRT-YYYY-NNNNN found in what was typed ("crt 2026 42", "CRT-2026-00042")."""
    match = _TYPED.search(raw or "")
    if match is None:
        raise ComplaintError("reference")
    return f"{PREFIX}-{match[1]}-{int(match[2]):05d}"


def submission_key(sender_id: str, form_id: str) -> str:
    """The idempotency key of one filled-in form of one conversation."""
    return hashlib.sha256(f"complaint-form\n{sender_id}\n{form_id}".encode()).hexdigest()


async def next_reference(session: AsyncSession, year: int) -> str:
    """The next CRT-YYYY-NNNNN, from the year's counter row, locked by the update until the caller commits."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    await session.execute(insert(ComplaintCounter).values(year=year, last=0).on_conflict_do_nothing())
    number = await session.scalar(
        update(ComplaintCounter)
        .where(ComplaintCounter.year == year)
        .values(last=ComplaintCounter.last + 1)
        .returning(ComplaintCounter.last)
    )
    return f"{PREFIX}-{year}-{int(number or 0):05d}"
