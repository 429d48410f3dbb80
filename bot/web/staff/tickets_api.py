"""The staff JSON API for complaints: GET /api/tickets, GET and PATCH /api/tickets/{ref} (Bearer token)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.db.engine import unit_of_work
from bot.db.models import Complaint
from bot.services import audit, clock
from bot.services.complaints import queue, tickets, workflow
from bot.services.complaints.details import ComplaintError
from bot.services.complaints.queue import FilterError, QueueFilters
from bot.services.complaints.transcript import transcript
from bot.web.body import read_json
from bot.web.errors import error_response
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_api_token
from bot.web.staff.identity import current_staff
from bot.web.staff.tickets import ERRORS, audited_queue

routes = web.RouteTableDef()
PATCH_FIELDS = frozenset({"status", "assigned_to", "note"})
# Optional: the status and assignee the client last saw; if the ticket's are not those now, 409 and no change.
EXPECTED_FIELDS = frozenset({"expected_status", "expected_assigned_to"})
CHANGED_MESSAGE = "This ticket was changed by someone else; fetch it again to see it as it is now."


def summary(complaint: Complaint, *, today: Any) -> dict[str, Any]:
    """A ticket as the queue lists it."""
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "priority": complaint.priority,
        "category": complaint.category,
        "must_record": complaint.must_record,
        "handling": queue.handling(complaint),
        "flags": [flag.code for flag in complaint.flags],
        "name": complaint.name,
        "created_at": complaint.created_at.isoformat(),
        "acknowledge_by": complaint.acknowledge_by.isoformat(),
        "overdue": queue.is_overdue(complaint, today),
        "assigned_to": complaint.assigned_to.email if complaint.assigned_to else None,
    }


def detail(complaint: Complaint, *, today: Any) -> dict[str, Any]:
    """Everything about one ticket: the complaint, its triage with reasons, notes and history."""
    fields = (
        "complainant_role", "has_permission", "email", "phone", "preferred_contact", "narrative", "incident_when",
        "location", "people_involved", "injury_or_damage", "witnesses", "reference_numbers", "desired_outcome",
        "wants_recorded",
    )
    return {
        **summary(complaint, today=today),
        **{field: getattr(complaint, field) for field in fields},
        "incident_date": complaint.incident_date.isoformat() if complaint.incident_date else None,
        "category_triggers": complaint.category_triggers,
        "triage": [{"code": flag.code, "triggers": flag.triggers} for flag in complaint.flags],
        "allowed_statuses": list(workflow.allowed_statuses(complaint)),
        "notes": [
            {"at": note.at.isoformat(), "author": note.author.email if note.author else None, "text": note.text}
            for note in complaint.notes
        ],
        "history": [
            {
                "at": change.at.isoformat(),
                "from": change.from_status,
                "to": change.to_status,
                "by": change.changed_by.email if change.changed_by else None,
            }
            for change in complaint.history
        ],
    }


@routes.get("/api/tickets")
@require_api_token()
async def list_tickets(request: web.Request) -> web.Response:
    """A page of the queue, filtered like the dashboard (status, category, flag, mine, overdue, q; page from 1)."""
    try:
        filters = QueueFilters.from_query(request.query)
    except FilterError as exc:
        return error_response(400, "invalid_filter", f"Unknown value for the {exc} filter.")
    page, today = await audited_queue(request, filters, action="complaints.queue", via="api")
    return web.json_response({
        "tickets": [summary(row, today=today) for row in page.rows],
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "next": f"/api/tickets?{urlencode(filters.page_query(page.page + 1))}" if page.has_next else None,
    })


@routes.get("/api/tickets/{reference}")
@require_api_token()
async def get_ticket(request: web.Request) -> web.Response:
    """One ticket with its triage, notes, history and chat transcript."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        complaint = await tickets.get(db, request.match_info["reference"])
        if complaint is None:
            return error_response(404, "not_found", "No ticket has that reference.")
        await workflow.record_view(db, complaint, actor=identity.actor, via="api")
        lines = await transcript(db, complaint.sender_id)
        body = detail(complaint, today=clock.today())
    body["transcript"] = [{"speaker": line.speaker, "text": line.text} for line in lines]
    return web.json_response(body)


def _text(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    if field in body and not isinstance(value, str):
        raise ComplaintError("body", "invalid")
    return value


def _staff_id(body: dict[str, Any], field: str) -> str | None:
    if field not in body:
        return None
    value = body[field]
    # A staff id as a number or a string, or null / "" / "none" for nobody; nothing else is turned into text.
    if isinstance(value, bool) or not isinstance(value, (int, str, type(None))):
        raise ComplaintError("body", "invalid")
    return "" if value is None else str(value)


async def _patch_body(request: web.Request) -> workflow.TicketChanges:
    body = await read_json(request)  # 415 or 400 in the one error shape, as for the chat
    if not isinstance(body, dict) or not set(body) & PATCH_FIELDS or not set(body) <= PATCH_FIELDS | EXPECTED_FIELDS:
        raise ComplaintError("body", "invalid")
    return workflow.TicketChanges(
        status=_text(body, "status"),
        assignee=_staff_id(body, "assigned_to"),
        note=_text(body, "note"),
        expected_status=_text(body, "expected_status"),
        expected_assignee=_staff_id(body, "expected_assigned_to"),
    )


@routes.patch("/api/tickets/{reference}")
@require_api_token()
async def patch_ticket(request: web.Request) -> web.Response:
    """Change a ticket's status, assignee (a staff id, or null) and/or add a note: all or nothing.

    Each change is made only if the ticket is still as this request read it, and as the client last saw it
    (expected_status, expected_assigned_to, when sent); otherwise 409 ticket_changed and nothing is changed.
    """
    identity = current_staff(request)
    reference = request.match_info["reference"]
    try:
        changes = await _patch_body(request)
    except ComplaintError:
        fields = ", ".join(sorted(PATCH_FIELDS))
        expected = ", ".join(sorted(EXPECTED_FIELDS))
        return error_response(
            400, "invalid_body", f"Send a JSON object with any of: {fields} (and, optionally, {expected})."
        )
    try:
        async with unit_of_work(request.app[SESSIONS]) as db:  # a ComplaintError leaving it undoes every change
            complaint = await tickets.get(db, reference)
            if complaint is None:
                return error_response(404, "not_found", "No ticket has that reference.")
            reference = complaint.reference  # as stored, for the audit of a refusal
            await workflow.apply_changes(
                db, complaint, changes, actor=identity.actor, staff_id=identity.id, supervisor=identity.is_supervisor
            )
            changed = await tickets.get(db, complaint.reference) or complaint
            # The answer shows the whole ticket, even when nothing needed changing: that is a view.
            await workflow.record_view(db, changed, actor=identity.actor, via="api")
            result = detail(changed, today=clock.today())
    except ComplaintError as exc:
        # Nothing of the request was kept (the unit of work was undone); the refusal itself is audited, as on the page.
        async with unit_of_work(request.app[SESSIONS]) as db:
            details = {"change": "api", "field": exc.field, "reason": exc.reason}
            await audit.record(db, actor=identity.actor, action="complaints.refused",
                               subject=reference, details=details)
        if isinstance(exc, workflow.TicketChanged):
            return error_response(409, "ticket_changed", CHANGED_MESSAGE)
        message = ERRORS.get((exc.field, exc.reason), "That change could not be made.")
        return error_response(_STATUS_FOR.get(exc.reason, 400), f"invalid_{exc.field}", message)
    return web.json_response(result)


# A role that may not do it gets 403; a change the ticket's state does not allow conflicts (409).
_STATUS_FOR = {"forbidden": 403, "not_yours": 403, "transition": 409, "must_record": 409}

