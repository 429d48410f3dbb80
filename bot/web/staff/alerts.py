"""Status-check alerts in the dashboard: references that several clients failed to verify (someone may be guessing).

Checks of such a reference are slowed, never locked (its victim must still get in); staff see the alert here
and on the home page, warn the owner or the force as the team's procedure says, and mark it dealt with.
Viewing and closing are audited.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import StaffUser
from bot.services import audit, clock, lookup_alerts
from bot.services.parsing.ids import parse_id
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import redirect, render_staff

routes = web.RouteTableDef()

BASE = "/staff/alerts"


@routes.get(BASE)
@require_staff()
async def alerts_page(request: web.Request) -> web.Response:
    """Open alerts first, then the ones closed in the last 30 days."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        alerts = await lookup_alerts.recent(db, clock.now())
        await audit.record(db, actor=identity.actor, action="alerts.viewed")
        closer_ids = {alert.closed_by_id for alert in alerts if alert.closed_by_id is not None}
        closers = await db.execute(select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(closer_ids)))
        emails = dict(closers.all())
    return render_staff(
        request, "staff/alerts.html", title="Status check alerts", alerts=alerts, kinds=lookup_alerts.KIND_LABELS,
        emails=emails, closed=request.query.get("closed") == "1",
    )


@routes.post(BASE + "/{alert_id}/close")
@require_staff()
async def close_alert(request: web.Request) -> web.Response:
    """Mark an alert dealt with."""
    identity, alert_id = current_staff(request), parse_id(request.match_info["alert_id"])
    if alert_id is None:
        raise web.HTTPNotFound()
    async with unit_of_work(request.app[SESSIONS]) as db:
        alert = await lookup_alerts.get(db, alert_id)
        if alert is None:
            raise web.HTTPNotFound()
        await lookup_alerts.close(db, alert, staff_id=identity.id, now=clock.now())
    return redirect(f"{BASE}?closed=1")
