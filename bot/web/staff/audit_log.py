"""The audit log in the dashboard: supervisors page through who did what, filtered by action (and it is audited)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import StaffUser
from bot.services import audit
from bot.services.parsing.ids import parse_id
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import render_staff

routes = web.RouteTableDef()

AUDIT_PAGE_SIZE = 50


def _page_number(raw: str | None) -> int:
    # No ceiling below the id range: 730 days of every view run past any fixed number of pages, and a ceiling
    # would send "Older" back to the same page with the oldest entries out of reach.
    page = parse_id(raw)
    return page if page is not None and page >= 1 else 1


@routes.get("/staff/audit")
@require_staff(role="supervisor")
async def audit_log(request: web.Request) -> web.Response:
    """The newest audit entries, a page at a time, optionally of one action."""
    identity = current_staff(request)
    page = _page_number(request.query.get("page"))
    async with unit_of_work(request.app[SESSIONS]) as db:
        actions = await audit.actions(db)
        action = request.query.get("action") or None
        if action not in actions:
            action = None
        entries = await audit.recent(
            db, limit=AUDIT_PAGE_SIZE + 1, offset=(page - 1) * AUDIT_PAGE_SIZE, action=action
        )
        has_next = len(entries) > AUDIT_PAGE_SIZE
        entries = entries[:AUDIT_PAGE_SIZE]
        staff_ids = {int(e.actor.split(":", 1)[1]) for e in entries if _is_staff_ref(e.actor)}
        staff_ids |= {int(e.subject.split(":", 1)[1]) for e in entries if e.subject and _is_staff_ref(e.subject)}
        rows = await db.execute(select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(staff_ids)))
        emails = dict(rows.all())
        await audit.record(
            db, actor=identity.actor, action="audit.viewed", details={"page": page, "action": action}
        )
    names = {f"staff:{staff_id}": email for staff_id, email in emails.items()}
    return render_staff(
        request, "staff/audit.html", title="Audit log", entries=entries, names=names, actions=actions,
        action=action, page=page, has_next=has_next,
    )


def _is_staff_ref(value: str) -> bool:
    prefix, _, number = value.partition(":")
    return prefix == "staff" and number.isdigit()
