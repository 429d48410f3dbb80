"""A staff member's own API tokens: listed (when made, last used, when they expire; never the token) and revoked.

In the dashboard (/staff/tokens) and in the API (GET /api/staff/tokens, DELETE /api/staff/tokens/{id}: a
token may revoke itself, or a supervisor's token any token). Supervisors manage other accounts' tokens at
/staff/accounts. Every view and revocation is audited.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.db.engine import unit_of_work
from bot.db.models import StaffApiToken
from bot.services import audit, clock
from bot.services.parsing.ids import parse_id
from bot.services.staff import sessions as staff_sessions
from bot.web.errors import error_response
from bot.web.keys import SESSIONS
from bot.web.staff.auth import require_api_token, require_staff
from bot.web.staff.identity import current_staff
from bot.web.staff.pages import redirect, render_staff

routes = web.RouteTableDef()


def _token_id(request: web.Request) -> int | None:
    return parse_id(request.match_info["token_id"])


def as_json(token: StaffApiToken, now: Any) -> dict[str, Any]:
    """A token as the API lists it: its id and dates, never the token or its hash."""
    return {
        "id": token.id,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "expires_at": token.expires_at.isoformat(),
        "state": staff_sessions.token_state(token, now),
    }


@routes.get("/staff/tokens")
@require_staff()
async def tokens_page(request: web.Request) -> web.Response:
    """The signed-in member's API tokens, with a button to revoke each live one."""
    identity, now = current_staff(request), clock.now()
    async with unit_of_work(request.app[SESSIONS]) as db:
        tokens = await staff_sessions.api_tokens(db, identity.id)
        await audit.record(db, actor=identity.actor, action="staff.tokens_viewed", subject=identity.actor)
    return render_staff(
        request, "staff/tokens.html", title="Your API tokens", tokens=tokens,
        state={token.id: staff_sessions.token_state(token, now) for token in tokens},
        revoked=request.query.get("revoked") == "1",
    )


@routes.post("/staff/tokens/{token_id}/revoke")
@require_staff()
async def revoke_own_token(request: web.Request) -> web.Response:
    """Revoke one of the signed-in member's own tokens."""
    identity, token_id = current_staff(request), _token_id(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        token = await db.get(StaffApiToken, token_id) if token_id is not None else None
        if token is None or token.staff_id != identity.id:
            raise web.HTTPNotFound()
        await staff_sessions.revoke_api_token(db, token, actor=identity.actor)
    return redirect("/staff/tokens?revoked=1")


@routes.get("/api/staff/tokens")
@require_api_token()
async def api_list_tokens(request: web.Request) -> web.Response:
    """This token's owner's tokens (ids and dates)."""
    identity, now = current_staff(request), clock.now()
    async with unit_of_work(request.app[SESSIONS]) as db:
        tokens = await staff_sessions.api_tokens(db, identity.id)
        await audit.record(db, actor=identity.actor, action="staff.tokens_viewed", subject=identity.actor,
                           details={"via": "api"})
    return web.json_response({"tokens": [as_json(token, now) for token in tokens]})


@routes.delete("/api/staff/tokens/{token_id}")
@require_api_token()
async def api_revoke_token(request: web.Request) -> web.Response:
    """Revoke a token of this token's owner (a supervisor: anyone's); 204, or 404 for no such token of theirs."""
    identity, token_id = current_staff(request), _token_id(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        token = await db.get(StaffApiToken, token_id) if token_id is not None else None
        if token is None or not (token.staff_id == identity.id or identity.is_supervisor):
            return error_response(404, "not_found", "You have no API token with that id.")
        await staff_sessions.revoke_api_token(db, token, actor=identity.actor)
    return web.Response(status=204)
