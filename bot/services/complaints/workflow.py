"""The Complaint Resolution Team's work on a ticket: its status, notes and assignee, every change audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import COMPLAINT_STATUSES, Complaint, ComplaintNote, ComplaintStatusChange, StaffUser
from bot.services import audit, clock
from bot.services.complaints.details import ComplaintError

STATUS_LABELS: dict[str, str] = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "in_progress": "In progress",
    "recorded": "Recorded under Schedule 3",
    "service_recovery": "Resolved by service recovery",
    "closed": "Closed",
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
NOTE_MAX = 5000


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
    now = clock.now()
    complaint.history.append(  # the ticket comes from tickets.get(), which loads its history
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
    now = clock.now()
    complaint.notes.append(ComplaintNote(author_id=staff_id, text=text, at=now))
    complaint.updated_at = now
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
    complaint.updated_at = clock.now()
    await audit.record(session, actor=actor, action="complaints.assign", subject=complaint.reference, details=details)
    await session.flush()


def assignee_id(raw: str | None, *, staff_id: int, supervisor: bool) -> int | None:
    """The staff id a change assigns to (None for "" or "none": nobody); officers may only take or drop a ticket."""
    if raw in ("", "none", None):
        return None
    try:
        assignee = int(raw)
    except ValueError as exc:
        raise ComplaintError("assignee", "unknown") from exc
    if assignee != staff_id and not supervisor:
        raise ComplaintError("assignee", "forbidden")
    return assignee


@dataclass(frozen=True)
class TicketChanges:
    """What a team member asks to change on a ticket, as sent (None: leave it as it is)."""

    status: str | None = None
    assignee: str | None = None  # a staff id, or "" / "none" for nobody
    note: str | None = None


async def apply_changes(
    session: AsyncSession, complaint: Complaint, changes: TicketChanges, *, actor: str, staff_id: int, supervisor: bool
) -> None:
    """Apply every requested change in order (status, assignee, note); ComplaintError on the first refused."""
    if changes.status is not None:
        await change_status(session, complaint, changes.status, actor=actor, staff_id=staff_id)
    if changes.assignee is not None:
        assignee = assignee_id(changes.assignee, staff_id=staff_id, supervisor=supervisor)
        await assign(session, complaint, assignee, actor=actor)
    if changes.note is not None:
        await add_note(session, complaint, changes.note, actor=actor, staff_id=staff_id)


async def record_view(session: AsyncSession, complaint: Complaint, *, actor: str, via: str) -> None:
    """Audit that a staff member looked at a ticket (page, api or csv)."""
    details = {"via": via}
    await audit.record(session, actor=actor, action="complaints.view", subject=complaint.reference, details=details)

