"""Dashboard sessions and API tokens of staff accounts; only hashes of the secrets are stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StaffApiToken, StaffSession, StaffUser
from bot.services import audit
from bot.services.clock import aware

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=8)  # one shift; then sign in again
# Writing last_seen on every request would make each page view a write; a minute's precision is plenty.
LAST_SEEN_PRECISION = timedelta(minutes=1)
API_TOKEN_PREFIX = "hpcc_"  # noqa: S105  (not a secret: makes leaked tokens easy for scanners to spot)


def hash_token(token: str) -> str:
    """SHA-256 hex of a random token (the tokens are long and random, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    """A live dashboard session: the account and the session's CSRF token."""

    user: StaffUser
    session_id: int
    csrf_token: str


async def create_session(session: AsyncSession, user: StaffUser, now: datetime) -> tuple[str, SignedIn]:
    """Start a dashboard session; returns the cookie token (shown once, never stored) and the session."""
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=hash_token(token),
        staff_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + ABSOLUTE_TIMEOUT,
        last_seen=now,
    )
    session.add(row)
    await session.flush()
    return token, SignedIn(user=user, session_id=row.id, csrf_token=row.csrf_token)


async def lookup_session(session: AsyncSession, token: str, now: datetime) -> SignedIn | None:
    """The live session for a cookie token; expired or idle sessions are deleted and give None."""
    if not token:
        return None
    row = await session.scalar(select(StaffSession).where(StaffSession.token_hash == hash_token(token)))
    if row is None:
        return None
    last_seen = aware(row.last_seen)
    if aware(row.expires_at) <= now or last_seen + IDLE_TIMEOUT <= now:
        await session.delete(row)
        await session.flush()
        return None
    user = await session.get(StaffUser, row.staff_id)
    if user is None or not user.active:
        return None
    if now - last_seen >= LAST_SEEN_PRECISION:
        row.last_seen = now
        await session.flush()
    return SignedIn(user=user, session_id=row.id, csrf_token=row.csrf_token)


async def end_session(session: AsyncSession, token: str) -> bool:
    """Delete the session of a cookie token; True when there was one."""
    result = await session.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))
    return bool(result.rowcount)


async def end_all_sessions(session: AsyncSession, staff_id: int) -> int:
    """Sign an account out everywhere; returns how many sessions ended."""
    result = await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))
    return int(result.rowcount or 0)


async def purge_expired_sessions(session: AsyncSession, now: datetime) -> int:
    """Delete sessions past their absolute or idle timeout; returns how many."""
    result = await session.execute(
        delete(StaffSession).where(
            (StaffSession.expires_at <= now) | (StaffSession.last_seen <= now - IDLE_TIMEOUT)
        )
    )
    return int(result.rowcount or 0)


async def create_api_token(session: AsyncSession, user: StaffUser, now: datetime, *, actor: str = "cli") -> str:
    """A new API token for the account (shown once, only its hash is kept); audited."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = StaffApiToken(token_hash=hash_token(token), staff_id=user.id, created_at=now)
    session.add(row)
    await session.flush()
    await audit.record(
        session, actor=actor, action="staff.token_created", subject=f"staff:{user.id}", details={"token_id": row.id}
    )
    return token


async def verify_api_token(session: AsyncSession, token: str, now: datetime) -> StaffUser | None:
    """The active account a bearer token belongs to, or None for an unknown, revoked or disabled one."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = await session.scalar(
        select(StaffApiToken).where(StaffApiToken.token_hash == hash_token(token), StaffApiToken.revoked.is_(False))
    )
    if row is None:
        return None
    user = await session.get(StaffUser, row.staff_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or now - aware(row.last_used_at) >= LAST_SEEN_PRECISION:
        row.last_used_at = now
        await session.flush()
    return user


async def revoke_api_tokens(session: AsyncSession, staff_id: int, *, actor: str = "cli") -> int:
    """Revoke every token of an account; returns how many were live; audited."""
    result = await session.execute(
        update(StaffApiToken)
        .where(StaffApiToken.staff_id == staff_id, StaffApiToken.revoked.is_(False))
        .values(revoked=True)
    )
    revoked = int(result.rowcount or 0)
    await audit.record(
        session, actor=actor, action="staff.tokens_revoked", subject=f"staff:{staff_id}", details={"count": revoked}
    )
    return revoked
