"""GET /healthz: the database, the Rasa server and the action server all answer."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from sqlalchemy import text

from bot.web.keys import ENGINE, HTTP, SETTINGS

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


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """200 when every dependency answers, 503 with which one did not."""
    app = request.app
    settings = app[SETTINGS]
    database, rasa, actions = await asyncio.gather(
        _database_ok(app),
        _http_ok(app, f"{settings.rasa_url}/"),
        _http_ok(app, f"{settings.actions_url}/health"),
    )
    checks = {"database": database, "rasa": rasa, "actions": actions}
    states = {name: "ok" if ok else "down" for name, ok in checks.items()}
    if all(checks.values()):
        return web.json_response({"status": "ok", "checks": states})
    down = ", ".join(name for name, ok in checks.items() if not ok)
    error = {"status": 503, "code": "unhealthy", "message": f"Not answering: {down}.", "checks": states}
    return web.json_response({"error": error}, status=503)
