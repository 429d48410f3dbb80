"""Attempt limits for checks of a reference and a secret typed in the chat, shared by every status check.

A case status check (Track My Crime) and a complaint status check are protected alike: each topic keeps
its attempts in its own table of the same shape (pseudonymous keys only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AttemptColumns
from bot.services.clock import aware

CONVERSATION_LIMIT = 3  # failed verifications in one conversation within WINDOW
REFERENCE_LIMIT = 5  # failed verifications against one reference, from any conversation, within WINDOW
WINDOW = timedelta(hours=1)
LOCKOUT = timedelta(hours=1)
ATTEMPT_RETENTION = timedelta(days=1)  # attempts are only kept to enforce the limits

# A mapped table with the attempt columns: CaseVerificationAttempt or ComplaintLookupAttempt.
AttemptModel = type[AttemptColumns]


@dataclass(frozen=True)
class Lock:
    """Further attempts are refused until `until` because `limit` ("conversation" or "reference") was hit."""

    limit: Literal["conversation", "reference"]
    until: datetime


def lock_end(failures: Sequence[datetime], *, limit: int, now: datetime) -> datetime | None:
    """When the lock earned by these failure times ends, or None if there is none now.

    A lock starts at the failure that makes `limit` failures within WINDOW and lasts LOCKOUT from then.
    """
    ordered = sorted(aware(moment) for moment in failures)
    ends = [
        ordered[index] + LOCKOUT
        for index in range(limit - 1, len(ordered))
        if ordered[index] - ordered[index - limit + 1] <= WINDOW and ordered[index] + LOCKOUT > now
    ]
    return max(ends, default=None)


async def _failures(session: AsyncSession, model: AttemptModel, column: str, key: str, now: datetime) -> list[datetime]:
    query = select(model.at).where(
        getattr(model, column) == key, model.succeeded.is_(False), model.at > now - WINDOW - LOCKOUT
    )
    return list((await session.scalars(query)).all())


async def current_lock(
    session: AsyncSession, model: AttemptModel, *, conversation_key: str, reference_key: str, now: datetime
) -> Lock | None:
    """The lock refusing a check now: too many failures in this conversation, or against this reference."""
    by_conversation = lock_end(
        await _failures(session, model, "conversation_key", conversation_key, now), limit=CONVERSATION_LIMIT, now=now
    )
    by_reference = (
        lock_end(await _failures(session, model, "reference_key", reference_key, now), limit=REFERENCE_LIMIT, now=now)
        if reference_key
        else None
    )
    locks = [Lock("conversation", by_conversation)] if by_conversation else []
    locks += [Lock("reference", by_reference)] if by_reference else []
    return max(locks, key=lambda lock: lock.until, default=None)


async def record_attempt(
    session: AsyncSession,
    model: AttemptModel,
    *,
    conversation_key: str,
    reference_key: str,
    succeeded: bool,
    now: datetime,
) -> None:
    """Keep one completed check (and forget the ones too old to matter)."""
    await session.execute(delete(model).where(model.at < now - ATTEMPT_RETENTION))
    session.add(model(at=now, reference_key=reference_key, conversation_key=conversation_key, succeeded=succeeded))
    await session.flush()
