"""Attempt limits for checks of a reference and a secret typed in the chat, shared by every status check.

The limits, the window and the lock arithmetic are Track My Crime's (bot.services.cases), so a complaint
status check is protected exactly like a case status check; each topic keeps its attempts in its own table
of the same shape (pseudonymous keys only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Union

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CaseVerificationAttempt, ComplaintLookupAttempt
from bot.services.cases import ATTEMPT_RETENTION, CONVERSATION_LIMIT, LOCKOUT, REFERENCE_LIMIT, WINDOW, Lock, lock_end

AttemptModel = Union[type[CaseVerificationAttempt], type[ComplaintLookupAttempt]]  # noqa: UP007 (a runtime alias)


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
