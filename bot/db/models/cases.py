"""Track My Crime: cases from the records system, their timeline, and verification attempts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, utcnow
from bot.db.models.attempts import AttemptColumns


class Case(Base):
    """A crime reported to Hertfordshire Constabulary, as exported from the records system."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The canonical form 41/NNNNN/YY (see bot.services.cases.details.normalise_reference).
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    offence: Mapped[str] = mapped_column(String(200))
    reported_on: Mapped[date] = mapped_column(Date)
    # Argon2id hash (with its own random salt) of the normalised surname and postcode together:
    # the victim's details are never stored in clear, and one hash over both cannot be guessed piecewise.
    verifier_hash: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(40))
    status_detail: Mapped[str] = mapped_column(Text, default="")
    officer_name: Mapped[str] = mapped_column(String(120), default="")
    officer_contact: Mapped[str] = mapped_column(String(300), default="")
    updated_on: Mapped[date] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    updates: Mapped[list[CaseUpdate]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseUpdate.id"
    )


class CaseUpdate(Base):
    """One entry of a case's timeline: the status it moved to and when."""

    __tablename__ = "case_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(40))
    status_detail: Mapped[str] = mapped_column(Text, default="")
    updated_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="updates")


class CaseVerificationAttempt(AttemptColumns, Base):
    """One completed check of a victim's details, kept only to enforce the attempt limits."""

    __tablename__ = "case_verification_attempts"
    __table_args__ = (
        Index("ix_case_verification_attempts_reference_at", "reference_key", "at"),
        Index("ix_case_verification_attempts_conversation_at", "conversation_key", "at"),
    )
