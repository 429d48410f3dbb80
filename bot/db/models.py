"""Typed models of the backend database (Rasa's tracker table is not ours)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, utcnow

STAFF_ROLES = ("officer", "supervisor")


class AuditEntry(Base):
    """Who did what, when; details never hold personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject: Mapped[str | None] = mapped_column(String(120), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StaffUser(Base):
    """An account of the Commissioner's complaints team."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('officer', 'supervisor')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
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
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked: Mapped[bool] = mapped_column(default=False)


class Case(Base):
    """A crime reported to Hertfordshire Constabulary, as exported from the records system."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The canonical form 41/NNNNN/YY (see bot.services.cases.normalise_reference).
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


class AttemptColumns:
    """The columns of a table of status-check attempts (bot.services.attempt_limits reads them)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Pseudonyms (bot.services.audit.pseudonym), never the reference or the conversation id itself.
    reference_key: Mapped[str] = mapped_column(String(64))
    conversation_key: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)


class CaseVerificationAttempt(AttemptColumns, Base):
    """One completed check of a victim's details, kept only to enforce the attempt limits."""

    __tablename__ = "case_verification_attempts"
    __table_args__ = (
        Index("ix_case_verification_attempts_reference_at", "reference_key", "at"),
        Index("ix_case_verification_attempts_conversation_at", "conversation_key", "at"),
    )


LOST_REPORT_STATUSES = ("open", "matched", "returned", "closed")


class FoundItem(Base):
    """An item handed in to or recovered by the police, as exported from the property system."""

    __tablename__ = "found_items"
    __table_args__ = (Index("ix_found_items_category_found_on", "category", "found_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    # A code of bot.services.lost_property.CATEGORIES.
    category: Mapped[str] = mapped_column(String(30))
    # Staff only: the property system's text can name the owner ("cards in the name of ..."); the chat never shows it.
    description: Mapped[str] = mapped_column(String(500))
    colour: Mapped[str] = mapped_column(String(60), default="")
    brand: Mapped[str] = mapped_column(String(80), default="")
    found_on: Mapped[date] = mapped_column(Date)
    found_at: Mapped[str] = mapped_column(String(200))
    held_at: Mapped[str] = mapped_column(String(120))
    dispose_after: Mapped[date] = mapped_column(Date, index=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class LostReport(Base):
    """A resident's report of a lost item, left in the chat for staff to match against found items."""

    __tablename__ = "lost_reports"
    __table_args__ = (CheckConstraint("status IN ('open', 'matched', 'returned', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(String(200), default="")  # colour, brand, marks: as the resident typed them
    lost_at: Mapped[str] = mapped_column(String(200))
    lost_on: Mapped[date] = mapped_column(Date)
    # Personal data: shown to signed-in staff only, never logged, audited or shown in the chat.
    contact_name: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    matched_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("found_items.id", ondelete="SET NULL"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    matched_item: Mapped[FoundItem | None] = relationship()


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
    priority: Mapped[int] = mapped_column(default=3)  # 1 urgent, 2 high, 3 normal (bot.services.triage)
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
    """One triage flag of a complaint and the words that raised it (bot.services.triage)."""

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


class Feedback(Base):
    """One answer to "Was this helpful?": the choice and its topic, nothing about who gave it."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    helpful: Mapped[bool] = mapped_column()
    # An intent name checked by bot.services.feedback.clean_topic (never text a resident typed); None: no topic.
    topic: Mapped[str | None] = mapped_column(String(60), default=None)
