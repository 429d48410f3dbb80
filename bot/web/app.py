"""The app factory: routes, middlewares and resources made per app (cleanup_ctx), never at import."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.db.engine import create_engine, create_sessionmaker
from bot.settings import Settings
from bot.web import chat, forget, health, pages, staff
from bot.web.errors import Handler, error_middleware
from bot.web.forgotten import ForgottenSenders
from bot.web.keys import (
    ENGINE,
    FORGOTTEN,
    HTTP,
    IP_LIMITER,
    REPLAYS,
    SENDER_LIMITER,
    SESSIONS,
    SETTINGS,
    TEMPLATES,
)
from bot.web.ratelimit import RateLimiter
from bot.web.replay_cache import ReplayCache

MAX_BODY_BYTES = 64 * 1024
IP_LIMIT_FACTOR = 10


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS])
    app[ENGINE] = engine
    app[SESSIONS] = create_sessionmaker(engine)
    yield
    await engine.dispose()


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as client:
        app[HTTP] = client
        yield


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers that keep pages out of frames and caches on shared computers."""
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(settings: Settings) -> web.Application:
    """Build the web application for these settings."""
    app = web.Application(middlewares=[security_headers, error_middleware], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[TEMPLATES] = pages.create_templates()
    app[SENDER_LIMITER] = RateLimiter(settings.chat_rate_per_minute)
    # Many residents can share one address (a library, a mobile network), so the IP limit is looser.
    app[IP_LIMITER] = RateLimiter(settings.chat_rate_per_minute * IP_LIMIT_FACTOR)
    app[REPLAYS] = ReplayCache()
    app[FORGOTTEN] = ForgottenSenders()
    app.cleanup_ctx.extend([_database, _http_client])
    app.add_routes(pages.routes)
    app.add_routes(health.routes)
    app.add_routes(chat.routes)
    app.add_routes(forget.routes)
    staff.register(app)  # every /staff page and staff API route, behind the staff middleware
    app.router.add_static("/static", pages.STATIC_DIR)
    return app
