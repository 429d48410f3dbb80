"""The dashboard's home page, and GET /api/staff/me (whose token this is)."""

from __future__ import annotations

from aiohttp import web

from bot.web.staff.auth import require_api_token, require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import render_staff

routes = web.RouteTableDef()


@routes.get("/staff")
@require_staff()
async def home(request: web.Request) -> web.Response:
    """The dashboard's home: links to the team's work."""
    return render_staff(request, "staff/home.html", title="Staff dashboard")


@routes.get("/api/staff/me")
@require_api_token()
async def api_me(request: web.Request) -> web.Response:
    """Who this API token belongs to (a cheap way to check a token works)."""
    identity = current_staff(request)
    return web.json_response({"email": identity.email, "role": identity.role})
