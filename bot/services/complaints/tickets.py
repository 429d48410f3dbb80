"""Complaint tickets: created and triaged once per form (however often it is sent), and read back for staff."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.db.engine import unit_of_work
from bot.db.models import Complaint, ComplaintFlag, ComplaintNote, ComplaintStatusChange
from bot.services import audit, clock
from bot.services.complaints import triage
from bot.services.complaints.details import ROLES, ComplaintDetails, ComplaintError
from bot.services.complaints.references import next_reference
from bot.services.complaints.working_days import add_working_days

# Our acknowledgement targets by triage priority (1 urgent, 2 high, 3 normal), in working days.
ACKNOWLEDGE_WORKING_DAYS = {1: 1, 2: 2, 3: 5}


async def find_by_submission(session: AsyncSession, key: str) -> Complaint | None:
    """The ticket a form already created, if any."""
    return await session.scalar(select(Complaint).where(Complaint.submission_key == key))


def _triage(details: ComplaintDetails, today: date) -> triage.Triage:
    return triage.triage(
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


async def create(
    session: AsyncSession, details: ComplaintDetails, *, sender_id: str, key: str, now: datetime | None = None
) -> tuple[Complaint, bool]:
    """The form's ticket: created and triaged now (True), or the one this form already created (False)."""
    existing = await find_by_submission(session, key)
    if existing is not None:
        return existing, False
    if details.complainant_role not in ROLES or not details.name.strip() or not details.narrative.strip():
        raise ComplaintError("details", "incomplete")
    now = now or clock.now()
    today = clock.local_date(now)
    result = _triage(details, today)
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
