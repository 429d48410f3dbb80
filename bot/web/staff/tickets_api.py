"""The staff JSON API for complaints: GET /api/tickets, GET and PATCH /api/tickets/{ref} (Bearer token)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.engine import unit_of_work
from bot.db.models import Complaint
from bot.services import audit, complaints, complaints_queue
from bot.services.complaints import ComplaintError
from bot.services.complaints_dates import today_in_london
from bot.services.complaints_queue import FilterError, QueueFilters
from bot.services.complaints_transcript import transcript
from bot.web.errors import error_response
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_api_token
from bot.web.staff.identity import StaffIdentity, current_staff
from bot.web.staff.tickets import ERRORS, assignee_from

routes = web.RouteTableDef()
PATCH_FIELDS = frozenset({"status", "assigned_to", "note"})


def summary(complaint: Complaint, *, today: Any) -> dict[str, Any]:
    """A ticket as the queue lists it."""
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "priority": complaint.priority,
        "category": complaint.category,
        "must_record": complaint.must_record,
        "handling": complaints_queue.handling(complaint),
        "flags": [flag.code for flag in complaint.flags],
        "name": complaint.name,
        "created_at": complaint.created_at.isoformat(),
        "acknowledge_by": complaint.acknowledge_by.isoformat(),
        "overdue": complaints_queue.is_overdue(complaint, today),
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
        "allowed_statuses": list(complaints.allowed_statuses(complaint)),
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
    """The queue, filtered by the same query parameters as the dashboard (status, category, flag, mine, overdue, q)."""
    identity = current_staff(request)
    try:
        filters = QueueFilters.from_query(request.query)
    except FilterError as exc:
        return error_response(400, "invalid_filter", f"Unknown value for the {exc} filter.")
    today = today_in_london(utcnow())
    async with unit_of_work(request.app[SESSIONS]) as db:
        rows = await complaints_queue.queue(db, filters, staff_id=identity.id, today=today)
        query = {key: value for key, value in filters.as_query().items() if key != "q"}
        details = {"filters": query, "searched": bool(filters.q), "via": "api"}
        await audit.record(db, actor=identity.actor, action="complaints.queue", details=details)
    return web.json_response({"tickets": [summary(row, today=today) for row in rows]})


async def _load(db: AsyncSession, reference: str) -> Complaint | None:
    return await complaints.get(db, reference)


@routes.get("/api/tickets/{reference}")
@require_api_token()
async def get_ticket(request: web.Request) -> web.Response:
    """One ticket with its triage, notes, history and chat transcript."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        complaint = await _load(db, request.match_info["reference"])
        if complaint is None:
            return error_response(404, "not_found", "No ticket has that reference.")
        await complaints.record_view(db, complaint, actor=identity.actor, via="api")
        lines = await transcript(db, complaint.sender_id)
        body = detail(complaint, today=today_in_london(utcnow()))
    body["transcript"] = [{"speaker": line.speaker, "text": line.text} for line in lines]
    return web.json_response(body)


async def _patch_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not body or not set(body) <= PATCH_FIELDS:
        raise ComplaintError("body", "invalid")
    return body


@routes.patch("/api/tickets/{reference}")
@require_api_token()
async def patch_ticket(request: web.Request) -> web.Response:
    """Change a ticket's status, assignee (a staff id, or null) and/or add a note: all or nothing."""
    identity = current_staff(request)
    try:
        body = await _patch_body(request)
    except ComplaintError:
        fields = ", ".join(sorted(PATCH_FIELDS))
        return error_response(400, "invalid_body", f"Send a JSON object with any of: {fields}.")
    try:
        async with unit_of_work(request.app[SESSIONS]) as db:  # a ComplaintError leaving it undoes every change
            complaint = await _load(db, request.match_info["reference"])
            if complaint is None:
                return error_response(404, "not_found", "No ticket has that reference.")
            await _apply(db, complaint, body, identity)
            changed = await _load(db, complaint.reference)
            result = detail(changed or complaint, today=today_in_london(utcnow()))
    except ComplaintError as exc:
        message = ERRORS.get((exc.field, exc.reason), "That change could not be made.")
        return error_response(_STATUS_FOR.get(exc.reason, 400), f"invalid_{exc.field}", message)
    return web.json_response(result)


# A role that may not do it gets 403; a change the ticket's state does not allow conflicts (409).
_STATUS_FOR = {"forbidden": 403, "transition": 409, "must_record": 409}


async def _apply(db: AsyncSession, complaint: Complaint, body: dict[str, Any], identity: StaffIdentity) -> None:
    if "status" in body:
        await complaints.change_status(db, complaint, str(body["status"]), actor=identity.actor, staff_id=identity.id)
    if "assigned_to" in body:
        raw = body["assigned_to"]
        assignee = assignee_from("" if raw is None else str(raw), identity)
        await complaints.assign(db, complaint, assignee, actor=identity.actor)
    if "note" in body:
        await complaints.add_note(db, complaint, str(body["note"]), actor=identity.actor, staff_id=identity.id)
