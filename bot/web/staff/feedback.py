"""Feedback in the dashboard: how many answers to "Was this helpful?" said yes or no, per topic.

The table holds no personal data (bot.services.feedback), so every signed-in role may see it.
"""

from __future__ import annotations

from aiohttp import web

from bot.db.engine import unit_of_work
from bot.services import audit
from bot.services.feedback import feedback_summary
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import render_staff

routes = web.RouteTableDef()


@routes.get("/staff/feedback")
@require_staff()
async def feedback_page(request: web.Request) -> web.Response:
    """Per-topic counts of helpful and not helpful answers, the most answered topic first."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        rows = await feedback_summary(db)
        # The footer promises every view is recorded; the counts themselves are not personal.
        await audit.record(db, actor=identity.actor, action="feedback.viewed")
    return render_staff(
        request,
        "staff/feedback.html",
        title="Feedback",
        rows=rows,
        helpful=sum(row.helpful for row in rows),
        not_helpful=sum(row.not_helpful for row in rows),
    )
