"""CORS for the chat widget on the Commissioner's website: only the configured origins may call /api/chat."""

from __future__ import annotations

from aiohttp import web

from bot.web.keys import SETTINGS

CORS_HEADERS = {
    "Access-Control-Allow-Methods": "POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
}


def with_cors(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """The response, with CORS headers when the request comes from a configured origin (BOT_CORS_ORIGINS)."""
    origin = request.headers.get("Origin")
    if origin and origin in request.app[SETTINGS].cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        response.headers.update(CORS_HEADERS)
    return response


async def preflight(request: web.Request) -> web.StreamResponse:
    """CORS preflight for the embeddable widget on the configured origins."""
    return with_cors(request, web.Response(status=204))
