"""CORS for the chat widget on the Commissioner's website (BOT_CORS_ORIGINS), on every response, errors included.

One middleware, outside the error middleware, so that a 404, a 413, a 429 or a 500 reaches the widget as
readable as a 200 (without the headers the browser hides the response and the widget cannot say what went
wrong). It also answers the preflights. The staff dashboard and staff API are never for other sites: their
responses get no CORS headers.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from aiohttp import web

from bot.web.errors import Handler
from bot.web.keys import SETTINGS
from bot.web.staff.auth import is_staff_api, is_staff_page

CORS_HEADERS = {
    "Access-Control-Allow-Methods": "POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    # The widget waits as long as a 429's Retry-After says; the browser shows it that header only if exposed.
    "Access-Control-Expose-Headers": "Retry-After",
    "Access-Control-Max-Age": "600",
}


def _public(request: web.Request) -> bool:
    return not (is_staff_page(request.path) or is_staff_api(request.path))


def add_cors(request: web.Request, headers: MutableMapping[str, str]) -> None:
    """Add the CORS headers for a configured origin to a response's (or an HTTP exception's) headers."""
    if not _public(request):
        return
    # Vary on Origin always: a cache must not give one origin's answer to another.
    vary = headers.get("Vary", "")
    if "origin" not in vary.lower():
        headers["Vary"] = f"{vary}, Origin" if vary else "Origin"
    origin = request.headers.get("Origin")
    if origin and origin in request.app[SETTINGS].cors_origins:
        headers["Access-Control-Allow-Origin"] = origin
        headers.update(CORS_HEADERS)


def is_preflight(request: web.Request) -> bool:
    """A browser's CORS preflight to a public path: OPTIONS from another origin."""
    return request.method == "OPTIONS" and "Origin" in request.headers and _public(request)


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer preflights, and add CORS headers to whatever the app answers (errors and redirects too)."""
    if is_preflight(request):
        response = web.Response(status=204)
    else:
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # what the error middleware lets through (redirects)
            add_cors(request, exc.headers)
            raise
    add_cors(request, response.headers)
    return response
