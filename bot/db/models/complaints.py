"""Complaints: the tickets, their triage flags, notes and history, the reference counter and status checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, utcnow
from bot.db.models.attempts import AttemptColumns
from bot.db.models.staff import StaffUser


COMPLAINT_STATUSES = ("new", "acknowledged", "in_progress", "recorded", "service_recovery", "closed")


class Complaint(Base):
    """A resident's complaint about the police, made in the chat: a ticket of the Complaint Resolution Team."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'recorded', 'service_recovery', 'closed')",
            name="status",
        ),
        Index("ix_complaints_queue", "status", "priority", "acknowledge_by"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # CRT-YYYY-NNNNN
    # SHA-256 of the conversation id and the form instance's id: submitting one form twice finds this row.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    # The Rasa conversation, so staff can read the transcript (Rasa's events table, by sender_id).
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    priority: Mapped[int] = mapped_column(default=3)  # 1 urgent, 2 high, 3 normal (bot.services.complaints.triage)
    category: Mapped[str] = mapped_column(String(30), index=True)
    category_triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    must_record: Mapped[bool] = mapped_column(default=False)
    acknowledge_by: Mapped[date] = mapped_column(Date)
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None, index=True
    )
    # Personal data: shown to signed-in staff only, never logged, audited or repeated in the chat.
    complainant_role: Mapped[str] = mapped_column(String(20))  # affected, witness, behalf
    has_permission: Mapped[bool | None] = mapped_column(default=None)  # on someone's behalf: with their permission?
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")  # lower case, for the status check
    phone: Mapped[str] = mapped_column(String(40), default="")
    preferred_contact: Mapped[str] = mapped_column(String(10), default="")  # email or phone
    narrative: Mapped[str] = mapped_column(Text)
    incident_date: Mapped[date | None] = mapped_column(Date, default=None)
    incident_when: Mapped[str] = mapped_column(String(200), default="")  # as typed ("last Tuesday")
    location: Mapped[str] = mapped_column(Text, default="")
    people_involved: Mapped[str] = mapped_column(Text, default="")
    injury_or_damage: Mapped[str] = mapped_column(Text, default="")
    witnesses: Mapped[str] = mapped_column(Text, default="")
    reference_numbers: Mapped[str] = mapped_column(Text, default="")
    desired_outcome: Mapped[str] = mapped_column(Text, default="")
    wants_recorded: Mapped[bool | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    assigned_to: Mapped[StaffUser | None] = relationship()
    flags: Mapped[list[ComplaintFlag]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintFlag.id"
    )
    notes: Mapped[list[ComplaintNote]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintNote.id"
    )
    history: Mapped[list[ComplaintStatusChange]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintStatusChange.id"
    )


class ComplaintFlag(Base):
    """One triage flag of a complaint and the words that raised it (bot.services.complaints.triage)."""

    __tablename__ = "complaint_flags"
    __table_args__ = (Index("ix_complaint_flags_code_complaint", "code", "complaint_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)

    complaint: Mapped[Complaint] = relationship(back_populates="flags")


class ComplaintNote(Base):
    """A note a staff member added to a complaint."""

    __tablename__ = "complaint_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="notes")
    author: Mapped[StaffUser | None] = relationship()


class ComplaintStatusChange(Base):
    """One move of a complaint from a status to another, by whom and when."""

    __tablename__ = "complaint_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20), default=None)
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="history")
    changed_by: Mapped[StaffUser | None] = relationship()


class ComplaintCounter(Base):
    """The last ticket number given in a year: incremented in the creating transaction (CRT-YYYY-NNNNN)."""

    __tablename__ = "complaint_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ComplaintLookupAttempt(AttemptColumns, Base):
    """One completed complaint status check, kept only to enforce the attempt limits."""

    __tablename__ = "complaint_lookup_attempts"
    __table_args__ = (
        Index("ix_complaint_lookup_attempts_reference_at", "reference_key", "at"),
        Index("ix_complaint_lookup_attempts_conversation_at", "conversation_key", "at"),
    )
