"""The audit log: who did what, when. Callers pass no personal data in details."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry
from bot.services import secret_key


def pseudonym(value: str, *, purpose: str) -> str:
    """A stable label for a value (a reference, an e-mail) that only the holder of BOT_SECRET_KEY can link to it.

    HMAC-SHA256 with the secret key, cut to 128 bits: guessing every crime reference (about 10^7) is no help
    without the key.
    """
    digest = hmac.new(secret_key.current(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{purpose}:{digest[:32]}"


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the caller's transaction (flushed, not committed)."""
    entry = AuditEntry(actor=actor, action=action, subject=subject, details=details or {})
    session.add(entry)
    await session.flush()
    return entry


async def recent(
    session: AsyncSession, *, limit: int = 100, action: str | None = None, offset: int = 0
) -> list[AuditEntry]:
    """The newest entries first, optionally of one action, skipping the first `offset` (for paging)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list((await session.scalars(query)).all())


async def actions(session: AsyncSession) -> list[str]:
    """Every action name in the log, sorted (for filtering)."""
    return list((await session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))).all())
