"""The app factory: routes, middlewares and resources made per app (cleanup_ctx), never at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

import aiohttp
from aiohttp import web

from bot.db.engine import create_engine, create_sessionmaker
from bot.settings import Settings
from bot.web import chat, forget, health, pages, staff
from bot.web.cors import cors_middleware
from bot.web.domain_info import DomainInfo
from bot.web.errors import error_middleware
from bot.web.forget import ForgottenTable, still_wanted
from bot.web.headers import hide_server, security_headers
from bot.web.keys import DOMAIN, ENGINE, FORGOTTEN, HTTP, REPLAYS, SESSIONS, SETTINGS, STATE, TEMPLATES
from bot.web.relay import late_seconds
from bot.web.replay_cache import ReplayCache
from bot.web.state import ForgottenSenders, create_state

MAX_BODY_BYTES = 64 * 1024


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


async def _shared_state(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    state = app[STATE] = create_state(settings)
    # A claim on a message in flight outlives the longest relay, so a crashed instance's claim frees itself.
    app[REPLAYS] = ReplayCache(
        state, late_seconds(settings) + 5, partial(still_wanted, app), clears=app[DOMAIN].says_nothing_kept
    )
    # The shared cache answers most "was this forgotten?" questions; the database table is the durable list.
    app[FORGOTTEN] = ForgottenSenders(state, ForgottenTable(app[SESSIONS]))
    yield
    await app[REPLAYS].close()
    await state.close()


def create_app(settings: Settings) -> web.Application:
    """Build the web application for these settings."""
    # Outermost first: security headers and CORS go on every response, the error middleware's included.
    app = web.Application(
        middlewares=[security_headers, cors_middleware, error_middleware], client_max_size=MAX_BODY_BYTES
    )
    app[SETTINGS] = settings
    app[TEMPLATES] = pages.create_templates()
    app[DOMAIN] = DomainInfo.load(settings.project_root / "domain.yml")
    app.cleanup_ctx.extend([_database, _http_client, _shared_state])
    app.on_response_prepare.append(hide_server)
    app.add_routes(pages.routes)
    app.add_routes(health.routes)
    app.add_routes(chat.routes)
    app.add_routes(forget.routes)
    staff.register(app)  # every /staff page and staff API route, behind the staff middleware
    app.router.add_static("/static", pages.STATIC_DIR)
    return app
