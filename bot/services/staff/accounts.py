"""Staff accounts of the complaints team: creation, password checks and sign-in with lockout."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import STAFF_ROLES, StaffUser
from bot.services import audit
from bot.services.clock import aware
from bot.services.parsing import contact, parsed

MIN_PASSWORD_LENGTH = 12
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class StaffError(ValueError):
    """A staff account request that cannot be carried out."""


def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    """Lower-case, trimmed e-mail address, or StaffError when it is not one."""
    refused = StaffError(f"not an e-mail address: {email.strip().lower()!r}")
    return parsed(lambda text: contact.normalise_email(text, typed_in_chat=False), email, lambda why: refused)


async def find(session: AsyncSession, email: str) -> StaffUser | None:
    """The account with this e-mail address, if any."""
    return await session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


async def add(session: AsyncSession, email: str, role: str, password: str) -> StaffUser:
    """Create an account; refuses duplicates, unknown roles and short passwords."""
    email = normalise_email(email)
    if role not in STAFF_ROLES:
        raise StaffError(f"role must be one of {', '.join(STAFF_ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if await find(session, email) is not None:
        raise StaffError(f"an account for {email} already exists")
    user = StaffUser(email=email, role=role, password_hash=hash_password(password))
    session.add(user)
    await session.flush()
    await audit.record(session, actor="cli", action="staff.add", subject=f"staff:{user.id}", details={"role": role})
    return user


async def active_members(session: AsyncSession) -> list[StaffUser]:
    """The active accounts, by e-mail address (to assign work to)."""
    return list((await session.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.email))).all())


async def count(session: AsyncSession) -> int:
    """How many staff accounts exist."""
    return int(await session.scalar(select(func.count()).select_from(StaffUser)) or 0)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Made on first use, not at import: hashing takes a noticeable moment.
    return hash_password("no account has this password")


def _email_key(email: str) -> str:
    return audit.pseudonym(email.strip().lower(), purpose="staff-email")


async def login(session: AsyncSession, email: str, password: str, now: datetime) -> StaffUser | None:
    """The account when the password is right and the account usable, else None; audits every outcome.

    Unknown address, wrong password, locked or disabled account all look the same to the caller, and all
    take one password hash's time, so sign-in reveals nothing about which accounts exist.
    """
    try:
        user = await find(session, email)
    except StaffError:
        user = None
    if user is None:
        verify_password(_dummy_hash(), password)
        await audit.record(session, actor=_email_key(email), action="staff.login_failed", details={"reason": "unknown"})
        return None
    subject = f"staff:{user.id}"
    if user.locked_until is not None and aware(user.locked_until) > now:
        verify_password(_dummy_hash(), password)
        await audit.record(session, actor=subject, action="staff.login_refused", subject=subject,
                           details={"reason": "locked"})
        return None
    if not verify_password(user.password_hash, password):
        await _count_failure(session, user, now)
        return None
    if not user.active:
        await audit.record(session, actor=subject, action="staff.login_refused", subject=subject,
                           details={"reason": "inactive"})
        return None
    user.failed_logins = 0
    user.locked_until = None
    await session.flush()
    await audit.record(session, actor=subject, action="staff.login", subject=subject)
    return user


async def _count_failure(session: AsyncSession, user: StaffUser, now: datetime) -> None:
    subject = f"staff:{user.id}"
    # Increment in SQL so parallel guesses cannot overwrite each other's count.
    await session.execute(
        update(StaffUser).where(StaffUser.id == user.id).values(failed_logins=StaffUser.failed_logins + 1)
    )
    await session.refresh(user, ["failed_logins"])
    await audit.record(session, actor=subject, action="staff.login_failed", subject=subject,
                       details={"reason": "password", "failures": user.failed_logins})
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.failed_logins = 0
        user.locked_until = now + LOCKOUT
        await session.flush()
        await audit.record(session, actor=subject, action="staff.locked", subject=subject,
                           details={"minutes": int(LOCKOUT.total_seconds() // 60)})
