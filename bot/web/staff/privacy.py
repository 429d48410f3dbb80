"""Personal data in the dashboard (supervisors): what is kept and for how long, and a person's data exported
or erased (`python -m bot subject export|erase` from the browser). Both are audited by the service."""

from __future__ import annotations

import json

from aiohttp import web

from bot.db.engine import reclaim, unit_of_work
from bot.services import clock, subject_access
from bot.services.subject_access import Subject
from bot.web.body import read_form
from bot.web.keys import ENGINE, SESSIONS, SETTINGS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import no_store, render_staff

routes = web.RouteTableDef()

BASE = "/staff/privacy"
PERSONAL_TABLES = ("events", "tracker_senders", "complaints", "complaint_notes", "complaint_flags", "lost_reports")
CONFIRM_ERROR = "Confirm that you have checked who is asking"


def _page(request: web.Request, *, status: int = 200, **context: object) -> web.Response:
    shown = {"error_summary": "", "export_error": "", "erase_error": "", "confirm_error": "", "export_value": "",
             "erase_value": "", "erasure": None, **context}  # fmt: skip
    return render_staff(request, "staff/privacy.html", status=status, title="Personal data",
                        settings=request.app[SETTINGS], **shown)  # fmt: skip


@routes.get(BASE)
@require_staff(role="supervisor")
async def privacy_page(request: web.Request) -> web.Response:
    """What is kept and for how long, and the export and erasure forms."""
    return _page(request)


async def _subject(request: web.Request, field: str) -> tuple[Subject | None, str, bool]:
    form = await read_form(request)
    raw = str(form.get("contact", "")).strip()[:254]
    try:
        return Subject.parse(raw), raw, form.get(field) == "yes"
    except ValueError:
        return None, raw, form.get(field) == "yes"


@routes.post(BASE + "/export")
@require_staff(role="supervisor")
async def export(request: web.Request) -> web.StreamResponse:
    """Everything held about the person, as a JSON file to download."""
    subject, raw, _ = await _subject(request, "confirm")
    if subject is None:
        error = "Enter an email address or a UK phone number"
        return _page(request, status=400, export_error=error, error_summary=error, export_value=raw)
    async with unit_of_work(request.app[SESSIONS]) as db:
        document = await subject_access.export(db, subject, actor=current_staff(request).actor, now=clock.now())
    response = web.Response(
        body=json.dumps(document, indent=2, ensure_ascii=False).encode(),
        content_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="subject-access.json"'},
    )
    return no_store(response)


@routes.post(BASE + "/erase")
@require_staff(role="supervisor")
async def erase(request: web.Request) -> web.Response:
    """Erase the person's data (open complaints are kept, and the page says why)."""
    subject, raw, confirmed = await _subject(request, "confirm")
    if subject is None:
        error = "Enter an email address or a UK phone number"
        return _page(request, status=400, erase_error=error, error_summary=error, erase_value=raw)
    if not confirmed:  # the address is fine: the error belongs to the checkbox
        return _page(request, status=400, confirm_error=CONFIRM_ERROR, error_summary=CONFIRM_ERROR, erase_value=raw)
    days = request.app[SETTINGS].retain_complaints_days
    async with unit_of_work(request.app[SESSIONS]) as db:
        erasure = await subject_access.erase(
            db, subject, actor=current_staff(request).actor, complaint_retention_days=days
        )
    await reclaim(request.app[ENGINE], PERSONAL_TABLES)
    return _page(request, erasure=erasure)
