"""Lost property in the dashboard: lost reports with suggested found items, and their statuses (all audited).

The list shows no contact details; a report's own page does, and every view of it is audit-logged.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.db.engine import unit_of_work
from bot.db.models import LOST_REPORT_STATUSES
from bot.services import audit, clock
from bot.services.lost_property import reports as lost_property_reports
from bot.services.lost_property.items import CATEGORIES, LostPropertyError
from bot.services.parsing.ids import parse_id
from bot.web.body import read_form
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import redirect, render_staff

routes = web.RouteTableDef()

BASE = "/staff/lost-property"
PAGE_SIZE = 100  # reports on a page of the list: each open one is searched for suggestions
STATUS_LABELS = {"open": "Open", "matched": "Matched", "returned": "Returned", "closed": "Closed"}
# What each button does, and the error each refusal of the service shows.
ACTIONS = {"matched": "Mark as matched", "returned": "Mark as returned", "closed": "Close", "open": "Reopen"}
ERRORS = {
    "item_required": "Enter the reference of the found item that matches",
    "item_unknown": "There is no found item with that reference",
    "status": "Choose what to do with the report",
    "changed": "This report was changed by someone else; here it is as it is now.",
}
# Where each refusal's error summary links: the reference field, or the status buttons' heading.
ERROR_FIELDS = {"item_required": "item_reference", "item_unknown": "item_reference"}


def _report_id(request: web.Request) -> int:
    report_id = parse_id(request.match_info["report_id"])
    if report_id is None:
        raise web.HTTPNotFound()
    return report_id


def _page_number(request: web.Request) -> int:
    page = parse_id(request.query.get("page", "1").strip() or "1")
    if page is None or page < 1:
        raise web.HTTPBadRequest(reason="Unknown page.")
    return page


def _page_link(status: str, page: int) -> str:
    # The default status and the first page stay out of the address, as the status tabs' links do.
    query = urlencode({**({"status": status} if status != "open" else {}), **({"page": page} if page > 1 else {})})
    return f"{BASE}?{query}" if query else BASE


@routes.get(BASE)
@require_staff()
async def reports_list(request: web.Request) -> web.Response:
    """Reports of one status (open first), a page at a time, each open one with its best suggested found items."""
    status = request.query.get("status", "open")
    if status not in LOST_REPORT_STATUSES:
        status = "open"
    page = _page_number(request)
    today, identity = clock.today(), current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        counts = await lost_property_reports.count_by_status(db)
        offset = (page - 1) * PAGE_SIZE
        reports = [] if offset >= counts[status] else await lost_property_reports.list_reports(
            db, status=status, limit=PAGE_SIZE, offset=offset
        )
        views = [await lost_property_reports.with_suggestions(db, report, today=today) for report in reports]
        # The list shows what residents lost, where and when: who looked is recorded, as for one report.
        details: dict[str, object] = {"status": status, **({"page": page} if page > 1 else {})}
        await audit.record(db, actor=identity.actor, action="lost_property.listed", details=details)
    pages = max(1, -(-counts[status] // PAGE_SIZE))
    return render_staff(
        request, "staff/lost_property.html", title="Lost property", views=views, counts=counts, shown=status,
        statuses=STATUS_LABELS, categories=CATEGORIES, page=page, pages=pages, first=offset + 1,
        previous_link=_page_link(status, page - 1) if 1 < page <= pages else "",
        next_link=_page_link(status, page + 1) if page < pages else "",
    )


async def _detail(request: web.Request, report_id: int, *, error: str = "", error_field: str = "",
                  item_reference: str = "", status: int = 200) -> web.Response:
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        report = await lost_property_reports.get_report(db, report_id)
        if report is None:
            raise web.HTTPNotFound()
        view = await lost_property_reports.with_suggestions(db, report, today=clock.today())
        matched = report.matched_item
        # The page shows the resident's contact details: record who looked (never the details themselves).
        await audit.record(db, actor=identity.actor, action="lost_property.viewed", subject=report.reference)
    updated = request.query.get("updated", "") if not error else ""
    return render_staff(
        request, "staff/lost_property_report.html", status=status, title=f"Lost report {report.reference}",
        view=view, matched=matched, statuses=STATUS_LABELS, actions=ACTIONS, categories=CATEGORIES, error=error,
        error_summary=error, error_field=error_field, item_reference=item_reference,
        updated=STATUS_LABELS.get(updated, ""),
    )


@routes.get(BASE + "/{report_id}")
@require_staff()
async def report_page(request: web.Request) -> web.Response:
    """One report: the resident's contact details, suggested found items and the status buttons."""
    return await _detail(request, _report_id(request))


@routes.post(BASE + "/{report_id}/status")
@require_staff()
async def change_status(request: web.Request) -> web.Response:
    """Mark a report matched (with a found item), returned, closed or open again; audited by the service."""
    report_id = _report_id(request)
    identity = current_staff(request)
    form = await read_form(request)
    status = str(form.get("status", ""))
    item_reference = str(form.get("item_reference", "")).strip()[:30]
    # What the page showed: a button pressed on it after a colleague's change is refused, not applied on top.
    expected = form.get("expected_status")
    try:
        async with unit_of_work(request.app[SESSIONS]) as db:
            report = await lost_property_reports.get_report(db, report_id)
            if report is None:
                raise web.HTTPNotFound()
            await lost_property_reports.set_status(
                db, report, status, actor=identity.actor, item_reference=item_reference or None,
                expected_status=expected if isinstance(expected, str) else None,
            )
    except LostPropertyError as exc:
        reason = str(exc)
        message = ERRORS.get(reason, ERRORS["status"])
        return await _detail(request, report_id, error=message, error_field=ERROR_FIELDS.get(reason, "change-status"),
                             item_reference=item_reference, status=409 if reason == "changed" else 400)
    return redirect(f"{BASE}/{report_id}?updated={status}")
