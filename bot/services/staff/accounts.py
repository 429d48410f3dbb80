"""Staff accounts of the complaints team: creating, finding, disabling, enabling and resetting them (all audited).

Signing in is bot.services.staff.sign_in; passwords are bot.services.staff.passwords.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import STAFF_ROLES, StaffUser
from bot.services import audit
from bot.services.parsing import contact, parsed
from bot.services.staff import passwords, sessions
from bot.services.staff.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "StaffError",
    "active_members",
    "add",
    "count",
    "disable",
    "enable",
    "everyone",
    "find",
    "get",
    "hash_password",
    "normalise_email",
    "reset_password",
    "verify_password",
]


class StaffError(ValueError):
    """A staff account request that cannot be carried out."""


def normalise_email(email: str) -> str:
    """Lower-case, trimmed e-mail address, or StaffError when it is not one."""
    refused = StaffError(f"not an e-mail address: {email.strip().lower()!r}")
    return parsed(lambda text: contact.normalise_email(text, typed_in_chat=False), email, lambda why: refused)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


async def find(session: AsyncSession, email: str) -> StaffUser | None:
    """The account with this e-mail address, if any."""
    return await session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


async def get(session: AsyncSession, staff_id: int) -> StaffUser | None:
    """The account with this id, if any."""
    return await session.get(StaffUser, staff_id)


async def add(session: AsyncSession, email: str, role: str, password: str, *, actor: str = "cli") -> StaffUser:
    """Create an account; refuses duplicates, unknown roles and short passwords."""
    email = normalise_email(email)
    if role not in STAFF_ROLES:
        raise StaffError(f"role must be one of {', '.join(STAFF_ROLES)}, not {role!r}")
    _check_password(password)
    if await find(session, email) is not None:
        raise StaffError(f"an account for {email} already exists")
    user = StaffUser(email=email, role=role, password_hash=await passwords.make_hash(password))
    session.add(user)
    await session.flush()
    await audit.record(session, actor=actor, action="staff.add", subject=f"staff:{user.id}", details={"role": role})
    return user


async def disable(session: AsyncSession, user: StaffUser, *, actor: str) -> None:
    """Disable an account: it cannot sign in, its sessions end and its API tokens are revoked; audited."""
    subject = f"staff:{user.id}"
    was_active = user.active
    user.active = False
    await session.flush()
    ended = await sessions.end_all_sessions(session, user.id)
    await audit.record(
        session, actor=actor, action="staff.disabled", subject=subject,
        details={"was_active": was_active, "sessions_ended": ended},
    )
    await sessions.revoke_api_tokens(session, user.id, actor=actor)


async def enable(session: AsyncSession, user: StaffUser, *, actor: str) -> None:
    """Let a disabled account sign in again (its revoked tokens stay revoked); audited."""
    was_active = user.active
    user.active = True
    await session.flush()
    await audit.record(
        session, actor=actor, action="staff.enabled", subject=f"staff:{user.id}", details={"was_active": was_active}
    )


async def reset_password(session: AsyncSession, user: StaffUser, password: str, *, actor: str) -> int:
    """Give an account a new password and end its sessions; returns how many ended; audited (never the password)."""
    _check_password(password)
    user.password_hash = await passwords.make_hash(password)
    await session.flush()
    ended = await sessions.end_all_sessions(session, user.id)
    await audit.record(
        session, actor=actor, action="staff.password_reset", subject=f"staff:{user.id}",
        details={"sessions_ended": ended},
    )
    return ended


async def active_members(session: AsyncSession) -> list[StaffUser]:
    """The active accounts, by e-mail address (to assign work to)."""
    return list((await session.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.email))).all())


async def everyone(session: AsyncSession) -> list[StaffUser]:
    """Every account, active or not, by e-mail address."""
    return list((await session.scalars(select(StaffUser).order_by(StaffUser.email))).all())


async def count(session: AsyncSession) -> int:
    """How many staff accounts exist."""
    return int(await session.scalar(select(func.count()).select_from(StaffUser)) or 0)
