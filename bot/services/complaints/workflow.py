"""The Complaint Resolution Team's work on a ticket: its status, notes and assignee, every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.db.models import COMPLAINT_STATUSES, Complaint, ComplaintNote, ComplaintStatusChange, StaffUser
from bot.services import audit, clock
from bot.services.complaints.details import ComplaintError
from bot.services.parsing.ids import parse_id

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


class TicketChanged(ComplaintError):
    """The ticket is no longer as the change's author saw it: someone else changed it in between."""

    def __init__(self) -> None:
        super().__init__("ticket", "changed")


async def _update_if_unchanged(
    session: AsyncSession, complaint: Complaint, unchanged: ColumnElement[bool], now: datetime, **values: Any
) -> None:
    """Write `values` only if the row still satisfies `unchanged` (what the rules were checked against).

    Two requests that read the same ticket both pass the rules; the row lock (PostgreSQL) or the write lock
    (SQLite) lets one UPDATE in, and the other's WHERE then matches no row, so it is refused, not applied.
    """
    result = await session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, unchanged)
        .values(**values, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TicketChanged()
    # The row now holds these values: record them as loaded, so the next flush does not write them again.
    for name, value in {**values, "updated_at": now}.items():
        set_committed_value(complaint, name, value)


async def change_status(
    session: AsyncSession, complaint: Complaint, to_status: str, *, actor: str, staff_id: int | None
) -> None:
    """Move a ticket to another status, keeping the history and auditing who did it.

    The rules are checked against the status as read: TicketChanged if it changed since.
    """
    if to_status not in COMPLAINT_STATUSES:
        raise ComplaintError("status", "unknown")
    if to_status == complaint.status:
        return
    if to_status not in allowed_statuses(complaint):
        reason = "must_record" if to_status == "service_recovery" and complaint.must_record else "transition"
        raise ComplaintError("status", reason)
    from_status, now = complaint.status, clock.now()
    await _update_if_unchanged(session, complaint, Complaint.status == from_status, now, status=to_status)
    # History and audit only once the change is made, in the same transaction.
    complaint.history.append(  # the ticket comes from tickets.get(), which loads its history
        ComplaintStatusChange(from_status=from_status, to_status=to_status, changed_by_id=staff_id, at=now)
    )
    await audit.record(
        session,
        actor=actor,
        action="complaints.status",
        subject=complaint.reference,
        details={"from": from_status, "to": to_status},
    )
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
    """Assign a ticket to an active staff member (or to nobody); TicketChanged if its assignee changed since read."""
    if assignee_id is not None:
        assignee = await session.get(StaffUser, assignee_id)
        if assignee is None or not assignee.active:
            raise ComplaintError("assignee", "unknown")
    current = complaint.assigned_to_id
    if current == assignee_id:
        return
    unchanged = Complaint.assigned_to_id.is_not_distinct_from(current)
    await _update_if_unchanged(session, complaint, unchanged, clock.now(), assigned_to_id=assignee_id)
    details = {"from": current, "to": assignee_id}
    await audit.record(session, actor=actor, action="complaints.assign", subject=complaint.reference, details=details)
    await session.flush()


def assignee_id(raw: str | None, *, staff_id: int, supervisor: bool) -> int | None:
    """The staff id a change assigns to (None for "" or "none": nobody); officers may only take or drop a ticket."""
    if raw in ("", "none", None):
        return None
    # ASCII digits within the Integer column: PostgreSQL refuses a larger parameter (a 500, not "unknown").
    assignee = parse_id(raw)
    if assignee is None:
        raise ComplaintError("assignee", "unknown")
    if assignee != staff_id and not supervisor:
        raise ComplaintError("assignee", "forbidden")
    return assignee


def check_reassignment(complaint: Complaint, assignee: int | None, *, staff_id: int, supervisor: bool) -> None:
    """Officers may take an unassigned ticket or drop their own; only a supervisor takes one off someone else."""
    current = complaint.assigned_to_id
    if supervisor or current == assignee or current is None or current == staff_id:
        return
    raise ComplaintError("assignee", "not_yours")


@dataclass(frozen=True)
class TicketChanges:
    """What a team member asks to change on a ticket, as sent (None: leave it as it is)."""

    status: str | None = None
    assignee: str | None = None  # a staff id, or "" / "none" for nobody
    note: str | None = None
    # What the author was shown (None: not said): a page loaded, or a ticket fetched, before someone else's change.
    expected_status: str | None = None
    expected_assignee: str | None = None  # as `assignee`


def check_unchanged(complaint: Complaint, changes: TicketChanges) -> None:
    """TicketChanged when the ticket's status or assignee is no longer the one its author was shown."""
    if changes.expected_status is not None and changes.expected_status != complaint.status:
        raise TicketChanged()
    if changes.expected_assignee is not None:
        raw = changes.expected_assignee
        shown = None if raw in ("", "none") else parse_id(raw)
        if shown is None and raw not in ("", "none"):
            raise ComplaintError("body", "invalid")  # not a staff id at all: a bad request, not someone else's change
        if shown != complaint.assigned_to_id:
            raise TicketChanged()


async def _still_as_read(session: AsyncSession, complaint: Complaint) -> None:
    """TicketChanged unless the ticket's status and assignee are still as read (the row is held till commit)."""
    unchanged = (Complaint.status == complaint.status) & Complaint.assigned_to_id.is_not_distinct_from(
        complaint.assigned_to_id
    )
    await _update_if_unchanged(session, complaint, unchanged, clock.now())


async def apply_changes(
    session: AsyncSession, complaint: Complaint, changes: TicketChanges, *, actor: str, staff_id: int, supervisor: bool
) -> None:
    """Apply every requested change in order (status, assignee, note); ComplaintError on the first refused.

    The rules are checked against the ticket as read and each change is written only if the ticket is still so
    (TicketChanged otherwise), so two people working one ticket at once cannot both succeed on stale facts.
    """
    check_unchanged(complaint, changes)
    if changes.status is not None:
        await change_status(session, complaint, changes.status, actor=actor, staff_id=staff_id)
    if changes.assignee is not None:
        assignee = assignee_id(changes.assignee, staff_id=staff_id, supervisor=supervisor)
        check_reassignment(complaint, assignee, staff_id=staff_id, supervisor=supervisor)
        await assign(session, complaint, assignee, actor=actor)
    if changes.note is not None:
        if changes.status is None and changes.assignee is None and (
            changes.expected_status is not None or changes.expected_assignee is not None
        ):
            # A note alone, sent for the ticket as its author saw it: held to that, as a change would be.
            await _still_as_read(session, complaint)
        await add_note(session, complaint, changes.note, actor=actor, staff_id=staff_id)


async def record_view(session: AsyncSession, complaint: Complaint, *, actor: str, via: str) -> None:
    """Audit that a staff member looked at a ticket (page, api or csv)."""
    details = {"via": via}
    await audit.record(session, actor=actor, action="complaints.view", subject=complaint.reference, details=details)

