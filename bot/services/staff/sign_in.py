"""Signing in to the dashboard: the password checked off the event loop, and a short, bounded delay after failures.

There is no account lock: anyone who knew an e-mail address could have kept one shut for ever. Instead, failed
sign-ins for a typed address (by pseudonym, whether or not an account has it, so the delay tells nothing about
which accounts exist) make the next answers for that address wait: DELAY_FREE_FAILURES go free, then 1, 2, 4...
seconds, never more than MAX_DELAY. The wait is the same for a right and a wrong password, and the password is
always checked, so the account's owner always gets in. Guessing itself is held back by the web layer's
per-address back-off and global ceiling (bot.web.staff.sign_in_throttle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StaffSignInFailure, StaffUser
from bot.services import audit
from bot.services.staff import accounts, passwords

FAILURE_MEMORY = timedelta(minutes=15)  # failures older than this no longer slow anything (and are deleted)
DELAY_FREE_FAILURES = 3
MAX_DELAY = 10.0  # seconds


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the account (None when refused) and how long to wait before answering."""

    user: StaffUser | None
    delay: float  # seconds; the same whether or not the password was right


def email_key(email: str) -> str:
    """The pseudonym a typed e-mail address is known by in the audit log and the failure counts."""
    # Normalised as accounts.find normalises it: spellings of one account (" .Jo@x.example.") share one count.
    try:
        address = accounts.normalise_email(email)
    except accounts.StaffError:
        address = email.strip().strip(".").lower()  # no account's address: trimmed the same way all the same
    return audit.pseudonym(address, purpose="staff-email")


def delay_after(failures: int) -> float:
    """Seconds to wait before answering a sign-in for an address with this many recent failures."""
    if failures < DELAY_FREE_FAILURES:
        return 0.0
    return min(2.0 ** min(failures - DELAY_FREE_FAILURES, 30), MAX_DELAY)  # (a capped power cannot overflow)


async def recent_failures(session: AsyncSession, key: str, now: datetime) -> int:
    """Failed sign-ins for this address pseudonym within FAILURE_MEMORY."""
    recent = StaffSignInFailure.at > now - FAILURE_MEMORY
    query = select(func.count()).where(StaffSignInFailure.email_key == key, recent)
    return int(await session.scalar(query) or 0)


async def login(session: AsyncSession, email: str, password: str, now: datetime) -> SignIn:
    """The account when the password is right and the account usable, and the delay; audits every outcome.

    Unknown address, wrong password and disabled account look the same to the caller and take one password
    check's time (on the password threads), so sign-in reveals nothing about which accounts exist.
    """
    key = email_key(email)
    failures = await recent_failures(session, key, now)
    delay = delay_after(failures)
    try:
        user = await accounts.find(session, email)
    except accounts.StaffError:
        user = None
    if user is None:
        await passwords.check_nothing(password)
        await _failed(session, key, now, failures=failures + 1, actor=key, subject=None, reason="unknown")
        return SignIn(None, delay)
    subject = f"staff:{user.id}"
    if not await passwords.check(user.password_hash, password):
        await _failed(session, key, now, failures=failures + 1, actor=subject, subject=subject, reason="password")
        return SignIn(None, delay)
    if not user.active:
        await audit.record(session, actor=subject, action="staff.login_refused", subject=subject,
                           details={"reason": "inactive"})
        return SignIn(None, delay)
    await session.execute(delete(StaffSignInFailure).where(StaffSignInFailure.email_key == key))
    await audit.record(session, actor=subject, action="staff.login", subject=subject)
    return SignIn(user, delay)


async def _failed(
    session: AsyncSession, key: str, now: datetime, *, failures: int, actor: str, subject: str | None, reason: str
) -> None:
    # The table only serves the delay: forget what no longer counts as it grows.
    await session.execute(delete(StaffSignInFailure).where(StaffSignInFailure.at <= now - FAILURE_MEMORY))
    session.add(StaffSignInFailure(at=now, email_key=key))
    await session.flush()
    await audit.record(
        session, actor=actor, action="staff.login_failed", subject=subject,
        details={"reason": reason, "failures": failures},
    )
