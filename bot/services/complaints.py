"""Complaints: creating a ticket once per form, and the Complaint Resolution Team's work on it.

Personal data (name, contact details, the account of what happened) lives only in the complaints table:
it is never logged, and audit entries carry the reference, codes and staff ids only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.db.base import utcnow
from bot.db.engine import unit_of_work
from bot.db.models import (
    COMPLAINT_STATUSES,
    Complaint,
    ComplaintCounter,
    ComplaintFlag,
    ComplaintNote,
    ComplaintStatusChange,
    StaffUser,
)
from bot.services import audit, triage
from bot.services.complaints_dates import add_working_days, today_in_london

REFERENCE_PREFIX = "CRT"
# The team's phone line: the Commissioner's office, as utter_complain_police says.
# Sources: [pcc-plan-refresh], [pcc-ar-2014-15] (docs/sources.md).
TEAM_PHONE = "01707 806100"
# Our acknowledgement targets by triage priority (1 urgent, 2 high, 3 normal), in working days.
ACKNOWLEDGE_WORKING_DAYS = {1: 1, 2: 2, 3: 5}
ROLES = ("affected", "witness", "behalf")
CONTACT_METHODS = ("email", "phone")

STATUS_LABELS: dict[str, str] = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "in_progress": "In progress",
    "recorded": "Recorded under Schedule 3",
    "service_recovery": "Resolved by service recovery",
    "closed": "Closed",
}
# What the resident is told about each status.
PUBLIC_STATUS: dict[str, str] = {
    "new": "We've received your complaint and the Complaint Resolution Team will acknowledge it soon.",
    "acknowledged": "The Complaint Resolution Team has acknowledged your complaint and will be in touch.",
    "in_progress": "The Complaint Resolution Team is looking into your complaint.",
    "recorded": "Your complaint has been formally recorded and is being handled under the police complaints rules.",
    "service_recovery": "Your complaint has been resolved by the Complaint Resolution Team.",
    "closed": "Your complaint is closed.",
}
# Where each status may go next; "closed" may be reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged", "in_progress", "recorded", "service_recovery", "closed"),
    "acknowledged": ("in_progress", "recorded", "service_recovery", "closed"),
    "in_progress": ("recorded", "service_recovery", "closed"),
    "recorded": ("closed",),
    "service_recovery": ("recorded", "closed"),  # the complainant may still ask for it to be recorded
    "closed": ("in_progress",),
}

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"[\s().\-]")
_PHONE_LEAD_IN = re.compile(r"^(?:my\s+)?(?:phone|mobile|number|tel)(?:\s+number)?\s*(?:is|:)?\s*", re.IGNORECASE)
NOTE_MAX = 5000


class ComplaintError(ValueError):
    """A detail that is not valid, or a change the rules do not allow."""

    def __init__(self, field: str, reason: str = "format") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ComplaintDetails:
    """Everything the form collected, validated."""

    complainant_role: str
    name: str
    narrative: str
    has_permission: bool | None = None
    email: str = ""
    phone: str = ""
    preferred_contact: str = ""
    incident_date: date | None = None
    incident_when: str = ""
    location: str = ""
    people_involved: str = ""
    injury_or_damage: str = ""
    witnesses: str = ""
    reference_numbers: str = ""
    desired_outcome: str = ""
    wants_recorded: bool | None = None


def normalise_email(raw: str) -> str:
    """A trimmed, lower-case e-mail address, or ComplaintError."""
    email = (raw or "").strip().strip(".").lower()
    email = re.sub(r"^(?:my\s+)?e-?mail(?:\s+address)?\s*(?:is|:)?\s*", "", email)
    if len(email) > 254 or not _EMAIL.match(email):
        raise ComplaintError("email")
    return email


def normalise_phone(raw: str) -> str:
    """A UK phone number as digits ("07700900123"), from "+44 7700 900123", "07700-900 123" and the like."""
    text = _PHONE_LEAD_IN.sub("", (raw or "").strip())
    digits = _PHONE_CHARS.sub("", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].lstrip("0")
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise ComplaintError("phone")
    return digits


def submission_key(sender_id: str, form_id: str) -> str:
    """The idempotency key of one filled-in form of one conversation."""
    return hashlib.sha256(f"complaint-form\n{sender_id}\n{form_id}".encode()).hexdigest()


async def next_reference(session: AsyncSession, year: int) -> str:
    """The next CRT-YYYY-NNNNN, from the year's counter row, locked by the update until the caller commits."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    await session.execute(insert(ComplaintCounter).values(year=year, last=0).on_conflict_do_nothing())
    number = await session.scalar(
        update(ComplaintCounter)
        .where(ComplaintCounter.year == year)
        .values(last=ComplaintCounter.last + 1)
        .returning(ComplaintCounter.last)
    )
    return f"{REFERENCE_PREFIX}-{year}-{int(number or 0):05d}"


async def find_by_submission(session: AsyncSession, key: str) -> Complaint | None:
    """The ticket a form already created, if any."""
    return await session.scalar(select(Complaint).where(Complaint.submission_key == key))


async def create(
    session: AsyncSession, details: ComplaintDetails, *, sender_id: str, key: str, now: datetime | None = None
) -> tuple[Complaint, bool]:
    """The form's ticket: created and triaged now (True), or the one this form already created (False)."""
    existing = await find_by_submission(session, key)
    if existing is not None:
        return existing, False
    if details.complainant_role not in ROLES or not details.name.strip() or not details.narrative.strip():
        raise ComplaintError("details", "incomplete")
    now = now or utcnow()
    today = today_in_london(now)
    result = triage.triage(
        triage.ComplaintText(
            narrative=details.narrative,
            people_involved=details.people_involved,
            injury_or_damage=details.injury_or_damage,
            desired_outcome=details.desired_outcome,
            wants_recorded=details.wants_recorded,
            incident_date=details.incident_date,
        ),
        today=today,
    )
    complaint = Complaint(
        reference=await next_reference(session, today.year),
        submission_key=key,
        sender_id=sender_id,
        status="new",
        priority=result.priority,
        category=result.category,
        category_triggers=list(result.category_triggers),
        must_record=result.must_record,
        acknowledge_by=add_working_days(today, ACKNOWLEDGE_WORKING_DAYS[result.priority]),
        created_at=now,
        updated_at=now,
        **{field: getattr(details, field) for field in ComplaintDetails.__dataclass_fields__},
    )
    complaint.flags = [ComplaintFlag(code=flag.code, triggers=list(flag.triggers)) for flag in result.flags]
    complaint.history = [ComplaintStatusChange(from_status=None, to_status="new", at=now)]
    complaint.notes = []
    session.add(complaint)
    await session.flush()
    await audit.record(
        session,
        actor=audit.pseudonym(sender_id, purpose="conversation"),
        action="complaints.create",
        subject=complaint.reference,
        details={"category": result.category, "priority": result.priority, "flags": list(result.codes)},
    )
    return complaint, True


async def submit(
    sessions: async_sessionmaker[AsyncSession],
    details: ComplaintDetails,
    *,
    sender_id: str,
    key: str,
    now: datetime | None = None,
) -> tuple[Complaint, bool]:
    """Create the form's ticket in its own transaction; a concurrent duplicate finds the winner's ticket."""
    try:
        async with unit_of_work(sessions) as session:
            return await create(session, details, sender_id=sender_id, key=key, now=now)
    except IntegrityError:
        # Two submissions of one form raced (a double click, a retry): the unique key let one in.
        async with unit_of_work(sessions) as session:
            existing = await find_by_submission(session, key)
        if existing is None:
            raise
        return existing, False


async def get(session: AsyncSession, reference: str) -> Complaint | None:
    """A ticket with its flags, notes, history and assignee, by reference (any case, surrounding spaces)."""
    query = (
        select(Complaint)
        .where(Complaint.reference == (reference or "").strip().upper())
        .options(
            selectinload(Complaint.flags),
            selectinload(Complaint.notes).selectinload(ComplaintNote.author),
            selectinload(Complaint.history).selectinload(ComplaintStatusChange.changed_by),
            selectinload(Complaint.assigned_to),
        )
        .execution_options(populate_existing=True)  # fresh from the database, even if already in this session
    )
    return await session.scalar(query)


def allowed_statuses(complaint: Complaint) -> tuple[str, ...]:
    """The statuses this ticket may move to now (never service recovery when it must be recorded)."""
    allowed = TRANSITIONS[complaint.status]
    return tuple(status for status in allowed if not (status == "service_recovery" and complaint.must_record))


async def change_status(
    session: AsyncSession, complaint: Complaint, to_status: str, *, actor: str, staff_id: int | None
) -> None:
    """Move a ticket to another status, keeping the history and auditing who did it."""
    if to_status not in COMPLAINT_STATUSES:
        raise ComplaintError("status", "unknown")
    if to_status == complaint.status:
        return
    if to_status not in allowed_statuses(complaint):
        reason = "must_record" if to_status == "service_recovery" and complaint.must_record else "transition"
        raise ComplaintError("status", reason)
    now = utcnow()
    complaint.history.append(  # the ticket comes from get(), which loads its history
        ComplaintStatusChange(from_status=complaint.status, to_status=to_status, changed_by_id=staff_id, at=now)
    )
    await audit.record(
        session,
        actor=actor,
        action="complaints.status",
        subject=complaint.reference,
        details={"from": complaint.status, "to": to_status},
    )
    complaint.status = to_status
    complaint.updated_at = now
    await session.flush()


async def add_note(session: AsyncSession, complaint: Complaint, text: str, *, actor: str, staff_id: int | None) -> None:
    """Add a staff note (its text is not audited, only that it was added)."""
    text = (text or "").strip()
    if not text or len(text) > NOTE_MAX:
        raise ComplaintError("note", "empty" if not text else "too_long")
    complaint.notes.append(ComplaintNote(author_id=staff_id, text=text, at=utcnow()))
    complaint.updated_at = utcnow()
    await audit.record(session, actor=actor, action="complaints.note", subject=complaint.reference)
    await session.flush()


async def assign(session: AsyncSession, complaint: Complaint, assignee_id: int | None, *, actor: str) -> None:
    """Assign a ticket to an active staff member (or to nobody)."""
    if assignee_id is not None:
        assignee = await session.get(StaffUser, assignee_id)
        if assignee is None or not assignee.active:
            raise ComplaintError("assignee", "unknown")
    if complaint.assigned_to_id == assignee_id:
        return
    details = {"from": complaint.assigned_to_id, "to": assignee_id}
    complaint.assigned_to_id = assignee_id
    complaint.updated_at = utcnow()
    await audit.record(session, actor=actor, action="complaints.assign", subject=complaint.reference, details=details)
    await session.flush()


async def record_view(session: AsyncSession, complaint: Complaint, *, actor: str, via: str) -> None:
    """Audit that a staff member looked at a ticket (page, api or csv)."""
    details = {"via": via}
    await audit.record(session, actor=actor, action="complaints.view", subject=complaint.reference, details=details)


async def staff_members(session: AsyncSession) -> list[StaffUser]:
    """Active staff accounts, for assignment."""
    return list((await session.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.email))).all())
