"""The complaints team's accounts, dashboard sessions, API tokens and recent failed sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow

STAFF_ROLES = ("officer", "supervisor")


class StaffUser(Base):
    """An account of the Commissioner's complaints team."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('officer', 'supervisor')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)  # a disabled account cannot sign in or use its tokens
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffSession(Base):
    """A signed-in browser of a staff member (the cookie holds the token, we keep only its hash)."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 hex of the random cookie token: a leaked table cannot be replayed as cookies.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class StaffApiToken(Base):
    """A bearer token for the staff JSON API (we keep only its SHA-256 hash)."""

    __tablename__ = "staff_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class StaffSignInFailure(Base):
    """One failed sign-in for a typed e-mail address (by pseudonym, whether or not an account has it).

    Kept only for a while, to slow the next sign-ins for that address a little (bot.services.staff.sign_in).
    """

    __tablename__ = "staff_sign_in_failures"
    __table_args__ = (Index("ix_staff_sign_in_failures_email_key_at", "email_key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    email_key: Mapped[str] = mapped_column(String(64))
