"""GET /healthz: the database, the Rasa server, the action server and the shared state all answer.

The public get only "ok" or "not ok": which internal service is down is nobody else's business. A request
made on this machine directly (the supervisor, an operator's curl; not through a proxy) gets the details.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from sqlalchemy import text

from bot.web.client_address import is_loopback_request
from bot.web.keys import ENGINE, HTTP, SETTINGS, STATE

routes = web.RouteTableDef()


async def _database_ok(app: web.Application) -> bool:
    try:
        async with app[ENGINE].connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not healthy"; the detail is not for the public
        return False


async def _http_ok(app: web.Application, url: str) -> bool:
    try:
        async with app[HTTP].get(url, timeout=aiohttp.ClientTimeout(total=3)) as response:
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def _state_ok(app: web.Application) -> bool:
    try:
        return await asyncio.wait_for(app[STATE].ping(), 3)
    except asyncio.TimeoutError:
        return False


async def checks(app: web.Application) -> dict[str, bool]:
    """Each dependency, answering or not."""
    settings = app[SETTINGS]
    names = ["database", "rasa", "actions"]
    probes = [
        _database_ok(app),
        _http_ok(app, f"{settings.rasa_url}/"),
        _http_ok(app, f"{settings.actions_url}/health"),
    ]
    if settings.redis_url:
        names.append("redis")
        probes.append(_state_ok(app))
    return dict(zip(names, await asyncio.gather(*probes), strict=True))


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """200 when every dependency answers, 503 when one does not (which one only on loopback)."""
    results = await checks(request.app)
    healthy = all(results.values())
    if not is_loopback_request(request):
        if healthy:
            return web.json_response({"status": "ok"})
        error = {"status": 503, "code": "unhealthy", "message": "Not ok."}
        return web.json_response({"error": error}, status=503)
    states = {name: "ok" if ok else "down" for name, ok in results.items()}
    if healthy:
        return web.json_response({"status": "ok", "checks": states})
    down = ", ".join(name for name, ok in results.items() if not ok)
    error = {"status": 503, "code": "unhealthy", "message": f"Not answering: {down}.", "checks": states}
    return web.json_response({"error": error}, status=503)
