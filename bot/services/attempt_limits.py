"""Attempt limits for checks of a reference and a secret typed in the chat, shared by every status check.

A case status check (Track My Crime) and a complaint status check are protected alike: each topic keeps
its attempts in its own table of the same shape (pseudonymous keys only). Guessing locks only the guesser:
failures in one conversation lock that conversation, failures from one client address (across conversations)
lock that address. A reference is never locked, since anyone who knew or guessed it (they are sequential)
could then shut its victim out: many failures against one reference only make each further check of it wait a
little before answering (and bot.services.lookup_alerts tells staff).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AttemptColumns
from bot.services.clock import aware

CONVERSATION_LIMIT = 3  # failed verifications in one conversation within WINDOW
# Failed verifications from one client address, from any number of conversations, within WINDOW. Looser than a
# conversation's: residents can share an address (a library, a mobile network), and each has three tries.
CLIENT_LIMIT = 10
WINDOW = timedelta(hours=1)
LOCKOUT = timedelta(hours=1)
ATTEMPT_RETENTION = timedelta(days=1)  # attempts are only kept to enforce the limits (retention.purge applies it)
# Failed checks of one reference within WINDOW, from anywhere, before each further check of it waits.
REFERENCE_SLOW_AFTER = 5
REFERENCE_DELAY_BASE = 0.5  # seconds, doubled by each further failure
# Well below the time the web relay waits for an answer before apologising, so a slowed victim still gets theirs.
MAX_REFERENCE_DELAY = 3.0

# A mapped table with the attempt columns: CaseVerificationAttempt or ComplaintLookupAttempt.
AttemptModel = type[AttemptColumns]


@dataclass(frozen=True)
class Lock:
    """Further attempts are refused until `until` because `limit` ("conversation" or "client") was hit."""

    limit: Literal["conversation", "client"]
    until: datetime


@dataclass(frozen=True)
class Pressure:
    """Recent failed checks of one reference: how many, and from how many different clients."""

    failures: int
    sources: int  # different client addresses (a conversation counts as its own when its address is unknown)


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


def reference_delay(failures: int) -> float:
    """Seconds a check of a reference waits before answering, given its recent failures (0: none)."""
    if failures < REFERENCE_SLOW_AFTER:
        return 0.0
    return min(REFERENCE_DELAY_BASE * 2.0 ** min(failures - REFERENCE_SLOW_AFTER, 30), MAX_REFERENCE_DELAY)


async def _failures(session: AsyncSession, model: AttemptModel, column: str, key: str, now: datetime) -> list[datetime]:
    query = select(model.at).where(
        getattr(model, column) == key, model.succeeded.is_(False), model.at > now - WINDOW - LOCKOUT
    )
    return list((await session.scalars(query)).all())


async def current_lock(
    session: AsyncSession, model: AttemptModel, *, conversation_key: str, client_key: str, now: datetime
) -> Lock | None:
    """The lock refusing a check now: too many failures in this conversation, or from this client's address."""
    by_conversation = lock_end(
        await _failures(session, model, "conversation_key", conversation_key, now), limit=CONVERSATION_LIMIT, now=now
    )
    by_client = (
        lock_end(await _failures(session, model, "client_key", client_key, now), limit=CLIENT_LIMIT, now=now)
        if client_key  # an unknown address ("") is no one's: only the conversation's limit applies
        else None
    )
    locks = [Lock("conversation", by_conversation)] if by_conversation else []
    locks += [Lock("client", by_client)] if by_client else []
    return max(locks, key=lambda lock: lock.until, default=None)


async def reference_pressure(session: AsyncSession, model: AttemptModel, *, reference_key: str, now: datetime
                             ) -> Pressure:
    """The failed checks of this reference within WINDOW, and how many different clients made them."""
    query = select(model.client_key, model.conversation_key).where(
        model.reference_key == reference_key, model.succeeded.is_(False), model.at > now - WINDOW
    )
    rows = (await session.execute(query)).all()
    return Pressure(failures=len(rows), sources=len({client or conversation for client, conversation in rows}))


async def one_check_at_a_time(
    session: AsyncSession, model: AttemptModel, *, conversation_key: str, client_key: str, now: datetime
) -> None:
    """Wait until no other check of this client (or, with no known address, conversation) is in its transaction.

    Without it, checks sent at once from many conversations each read the limits before any had recorded its
    failure, and an address got a few guesses past CLIENT_LIMIT. The hold lasts until the caller's commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = f"{model.__tablename__}:{client_key or conversation_key}"
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
    # SQLite: the transaction's first write takes the database's write lock, and its later reads then see every
    # check committed before it. Both: attempts too old to matter go (the daily purge also forgets them, for a
    # kind of check nobody makes again).
    await forget_old_attempts(session, model, now=now)


async def forget_old_attempts(session: AsyncSession, model: AttemptModel, *, now: datetime) -> int:
    """Delete this table's attempts older than ATTEMPT_RETENTION; returns how many went."""
    result = await session.execute(delete(model).where(model.at < now - ATTEMPT_RETENTION))
    return result.rowcount or 0


async def record_attempt(
    session: AsyncSession,
    model: AttemptModel,
    *,
    conversation_key: str,
    client_key: str,
    reference_key: str,
    succeeded: bool,
    now: datetime,
) -> None:
    """Keep one completed check (one_check_at_a_time, first in its transaction, forgot the ones too old to matter)."""
    session.add(
        model(
            at=now, reference_key=reference_key, conversation_key=conversation_key, client_key=client_key,
            succeeded=succeeded,
        )
    )
    await session.flush()
