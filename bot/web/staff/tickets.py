"""The complaints team's pages: the queue (and its CSV), a ticket, and changing its status, notes and assignee.

Every page view and change is audited with who and when (never the personal data or a search term).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.engine import unit_of_work
from bot.db.models import Complaint
from bot.services import audit, complaints, complaints_queue, triage
from bot.services.complaints import ComplaintError
from bot.services.complaints_dates import today_in_london
from bot.services.complaints_queue import FilterError, QueueFilters
from bot.services.complaints_transcript import transcript
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import StaffIdentity, current_staff
from bot.web.staff.pages import redirect, render_staff

routes = web.RouteTableDef()

ERRORS = {
    ("status", "must_record"): "This complaint must be recorded under Schedule 3, so it cannot go to service recovery.",
    ("status", "transition"): "A ticket cannot move from its current status to that one.",
    ("status", "unknown"): "Choose a status.",
    ("note", "empty"): "Write a note before adding it.",
    ("note", "too_long"): f"A note can have at most {complaints.NOTE_MAX} characters.",
    ("assignee", "unknown"): "Choose a member of the team.",
    ("assignee", "forbidden"): "Only a supervisor can assign a ticket to someone else.",
}


def labels() -> dict[str, Any]:
    """What templates show for codes: statuses, categories, flags, priorities."""
    return {
        "status_labels": complaints.STATUS_LABELS,
        "categories": triage.CATEGORIES,
        "flag_labels": triage.FLAGS,
        "priorities": triage.PRIORITIES,
        "schedule_3_flags": triage.SCHEDULE_3_FLAGS,
    }


def _filters(request: web.Request) -> QueueFilters:
    try:
        return QueueFilters.from_query(request.query)
    except FilterError as exc:
        raise web.HTTPBadRequest(reason=f"Unknown {exc} filter.") from exc


def _audited_filters(filters: QueueFilters) -> dict[str, Any]:
    # A search term can be a resident's name: record only that there was one.
    query = {key: value for key, value in filters.as_query().items() if key != "q"}
    return {"filters": query, "searched": bool(filters.q)}


@routes.get("/staff/tickets")
@require_staff()
async def queue_page(request: web.Request) -> web.Response:
    """The queue: open tickets by priority then due date, with filters and search."""
    identity = current_staff(request)
    filters = _filters(request)
    today = today_in_london(utcnow())
    async with unit_of_work(request.app[SESSIONS]) as db:
        rows = await complaints_queue.queue(db, filters, staff_id=identity.id, today=today)
        await audit.record(db, actor=identity.actor, action="complaints.queue", details=_audited_filters(filters))
    return render_staff(
        request, "staff/tickets.html", title="Complaints", rows=rows, filters=filters, today=today,
        is_overdue=complaints_queue.is_overdue, handling=complaints_queue.handling,
        csv_query=filters.as_query(), statuses=complaints.STATUS_LABELS, **labels(),
    )


@routes.get("/staff/tickets.csv")
@require_staff()
async def queue_csv(request: web.Request) -> web.Response:
    """The filtered queue as a CSV download."""
    identity = current_staff(request)
    filters = _filters(request)
    today = today_in_london(utcnow())
    async with unit_of_work(request.app[SESSIONS]) as db:
        rows = await complaints_queue.queue(db, filters, staff_id=identity.id, today=today)
        details = {**_audited_filters(filters), "rows": len(rows)}
        await audit.record(db, actor=identity.actor, action="complaints.export", details=details)
    return web.Response(
        text=complaints_queue.to_csv(rows, today=today),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="complaints-{today.isoformat()}.csv"'},
    )


async def _ticket(db: AsyncSession, request: web.Request) -> Complaint:
    complaint = await complaints.get(db, request.match_info["reference"])
    if complaint is None:
        raise web.HTTPNotFound(reason="No such ticket.")
    return complaint


async def _render_ticket(
    request: web.Request, db: AsyncSession, complaint: Complaint, *, error: str = "", status: int = 200
) -> web.Response:
    today = today_in_london(utcnow())
    return render_staff(
        request, "staff/ticket.html", status=status, title=complaint.reference, ticket=complaint,
        handling=complaints_queue.handling(complaint), overdue=complaints_queue.is_overdue(complaint, today),
        allowed=complaints.allowed_statuses(complaint), team=await complaints.staff_members(db),
        transcript=await transcript(db, complaint.sender_id), error=error, error_summary=error, **labels(),
    )


@routes.get("/staff/tickets/{reference}")
@require_staff()
async def ticket_page(request: web.Request) -> web.Response:
    """One ticket: details, triage with reasons, transcript, history, notes, and the forms to work it."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        complaint = await _ticket(db, request)
        await complaints.record_view(db, complaint, actor=identity.actor, via="page")
        return await _render_ticket(request, db, complaint)


async def _form_value(request: web.Request, name: str) -> str:
    value = (await request.post()).get(name, "")
    return value.strip() if isinstance(value, str) else ""


def assignee_from(raw: str, identity: StaffIdentity) -> int | None:
    """The staff id a form or PATCH assigns to ("" for nobody); officers may only take or drop a ticket."""
    if raw in ("", "none", None):
        return None
    try:
        assignee = int(raw)
    except ValueError as exc:
        raise ComplaintError("assignee", "unknown") from exc
    if assignee != identity.id and not identity.is_supervisor:
        raise ComplaintError("assignee", "forbidden")
    return assignee


@routes.post("/staff/tickets/{reference}/{change:status|notes|assign}")
@require_staff()
async def change_ticket(request: web.Request) -> web.Response:
    """Apply one change from the ticket page's forms, then show the ticket again (or the problem)."""
    identity = current_staff(request)
    change = request.match_info["change"]
    async with unit_of_work(request.app[SESSIONS]) as db:
        complaint = await _ticket(db, request)
        try:
            if change == "status":
                await complaints.change_status(
                    db, complaint, await _form_value(request, "status"), actor=identity.actor, staff_id=identity.id
                )
            elif change == "notes":
                await complaints.add_note(
                    db, complaint, await _form_value(request, "note"), actor=identity.actor, staff_id=identity.id
                )
            else:
                assignee = assignee_from(await _form_value(request, "assignee"), identity)
                await complaints.assign(db, complaint, assignee, actor=identity.actor)
        except ComplaintError as exc:
            message = ERRORS.get((exc.field, exc.reason), "That change could not be made.")
            complaint = await _ticket(db, request)
            return await _render_ticket(request, db, complaint, error=message, status=400)
    return redirect(f"/staff/tickets/{complaint.reference}")
