"""Staff accounts of the complaints team: creation and password checks."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import STAFF_ROLES, StaffUser
from bot.services import audit

MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise StaffError(f"not an e-mail address: {email!r}")
    return email


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


async def count(session: AsyncSession) -> int:
    """How many staff accounts exist."""
    return int(await session.scalar(select(func.count()).select_from(StaffUser)) or 0)
