"""The complaints team's pages: the queue (and its CSV), a ticket, and changing its status, notes and assignee.

Every page view and change is audited with who and when (never the personal data or a search term).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import unit_of_work
from bot.db.models import Complaint
from bot.services import audit, clock
from bot.services.complaints import queue, tickets, triage, workflow
from bot.services.complaints.details import ComplaintError
from bot.services.complaints.queue import FilterError, QueueFilters
from bot.services.complaints.transcript import transcript
from bot.services.staff import accounts
from bot.web.body import read_form
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import redirect, render_staff

routes = web.RouteTableDef()

ERRORS = {
    ("status", "must_record"): "This complaint must be recorded under Schedule 3, so it cannot go to service recovery.",
    ("status", "transition"): "A ticket cannot move from its current status to that one.",
    ("status", "unknown"): "Choose a status.",
    ("note", "empty"): "Write a note before adding it.",
    ("note", "too_long"): f"A note can have at most {workflow.NOTE_MAX} characters.",
    ("assignee", "unknown"): "Choose a member of the team.",
    ("assignee", "forbidden"): "Only a supervisor can assign a ticket to someone else.",
    ("assignee", "not_yours"): "This ticket is someone else's: only a supervisor can take it off them.",
    ("ticket", "changed"): "This ticket was changed by someone else; here it is as it is now.",
}
# The ticket page's forms: the URL's change and the form field (and TicketChanges field) it sends.
FORM_FIELDS = {"status": "status", "notes": "note", "assign": "assignee"}
# The hidden field with what the form was shown (and its TicketChanges field): a stale page is refused.
SHOWN_FIELDS = {"status": "expected_status", "assign": "expected_assignee"}


def labels() -> dict[str, Any]:
    """What templates show for codes: statuses, categories, flags, priorities."""
    return {
        "status_labels": workflow.STATUS_LABELS,
        "categories": triage.CATEGORIES,
        "flag_labels": triage.FLAGS,
        "priorities": triage.PRIORITIES,
        "schedule_3_flags": triage.SCHEDULE_3_FLAGS,
    }


async def audited_queue(
    request: web.Request,
    filters: QueueFilters,
    *,
    action: str,
    count_rows: bool = False,
    size: int | None = queue.QUEUE_LIMIT,
    **details: Any,
) -> tuple[queue.QueuePage, date]:
    """The page of tickets these filters select for the signed-in member (size None: all), and today; audited."""
    identity = current_staff(request)
    today = clock.today()
    async with unit_of_work(request.app[SESSIONS]) as db:
        page = await queue.queue_page(db, filters, staff_id=identity.id, today=today, size=size)
        if count_rows:
            details["rows"] = len(page.rows)
        await audit.record(db, actor=identity.actor, action=action, details={**filters.audit_details(), **details})
    return page, today


def _filters(request: web.Request) -> QueueFilters:
    try:
        return QueueFilters.from_query(request.query)
    except FilterError as exc:
        raise web.HTTPBadRequest(reason=f"Unknown {exc} filter.") from exc


@routes.get("/staff/tickets")
@require_staff()
async def queue_page(request: web.Request) -> web.Response:
    """The queue: open tickets by priority then due date, with filters and search."""
    filters = _filters(request)
    page, today = await audited_queue(request, filters, action="complaints.queue")
    return render_staff(
        request, "staff/tickets.html", title="Complaints", rows=page.rows, page=page, filters=filters, today=today,
        is_overdue=queue.is_overdue, handling=queue.handling, csv_query=filters.as_query(),
        statuses=workflow.STATUS_LABELS, **labels(),
    )


@routes.get("/staff/tickets.csv")
@require_staff()
async def queue_csv(request: web.Request) -> web.Response:
    """The filtered queue as a CSV download: every ticket the filters select, not a page of them."""
    page, today = await audited_queue(
        request, _filters(request), action="complaints.export", count_rows=True, size=None
    )
    return web.Response(
        text=queue.to_csv(page.rows, today=today),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="complaints-{today.isoformat()}.csv"'},
    )


async def _ticket(db: AsyncSession, request: web.Request) -> Complaint:
    complaint = await tickets.get(db, request.match_info["reference"])
    if complaint is None:
        raise web.HTTPNotFound(reason="No such ticket.")
    return complaint


async def _render_ticket(
    request: web.Request, db: AsyncSession, complaint: Complaint, *, error: str = "", error_field: str = "",
    note: str = "", status: int = 200,
) -> web.Response:
    return render_staff(
        request, "staff/ticket.html", status=status, title=complaint.reference, ticket=complaint,
        handling=queue.handling(complaint), overdue=queue.is_overdue(complaint, clock.today()),
        allowed=workflow.allowed_statuses(complaint), team=await accounts.active_members(db),
        transcript=await transcript(db, complaint.sender_id), error=error, error_summary=error,
        error_field=error_field, note=note, **labels(),
    )


@routes.get("/staff/tickets/{reference}")
@require_staff()
async def ticket_page(request: web.Request) -> web.Response:
    """One ticket: details, triage with reasons, transcript, history, notes, and the forms to work it."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        complaint = await _ticket(db, request)
        await workflow.record_view(db, complaint, actor=identity.actor, via="page")
        return await _render_ticket(request, db, complaint)


@routes.post("/staff/tickets/{reference}/{change:status|notes|assign}")
@require_staff()
async def change_ticket(request: web.Request) -> web.Response:
    """Apply one change from the ticket page's forms, then show the ticket again (or the problem)."""
    identity = current_staff(request)
    change = request.match_info["change"]
    form = await read_form(request)
    sent = {FORM_FIELDS[change]: _form_text(form, FORM_FIELDS[change])}
    if change in SHOWN_FIELDS and SHOWN_FIELDS[change] in form:
        sent[SHOWN_FIELDS[change]] = _form_text(form, SHOWN_FIELDS[change])
    changes = workflow.TicketChanges(**sent)
    async with unit_of_work(request.app[SESSIONS]) as db:
        complaint = await _ticket(db, request)
        try:
            await workflow.apply_changes(
                db, complaint, changes, actor=identity.actor, staff_id=identity.id, supervisor=identity.is_supervisor
            )
        except ComplaintError as exc:
            # Nothing was written (each change is all or nothing); the page shown again is a view, so audited.
            message = ERRORS.get((exc.field, exc.reason), "That change could not be made.")
            complaint = await _ticket(db, request)
            details = {"change": change, "field": exc.field, "reason": exc.reason}
            await audit.record(db, actor=identity.actor, action="complaints.refused", subject=complaint.reference,
                               details=details)
            await workflow.record_view(db, complaint, actor=identity.actor, via="page")
            status = 409 if isinstance(exc, workflow.TicketChanged) else 400
            # The summary links to the field at fault (the template falls back to the forms' heading), and a
            # refused note is shown again rather than lost.
            return await _render_ticket(request, db, complaint, error=message, error_field=exc.field,
                                        note=changes.note or "", status=status)
    return redirect(f"/staff/tickets/{complaint.reference}")


def _form_text(form: Any, field: str) -> str:
    value = form.get(field, "")
    return value.strip() if isinstance(value, str) else ""
