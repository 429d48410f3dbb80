"""Security headers on every response: a Content-Security-Policy with no inline script, HSTS over HTTPS,
frames and sniffing refused, and a `Server` header that names no software or version.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from aiohttp import web

from bot.web.client_address import forwarded_secure
from bot.web.errors import Handler
from bot.web.keys import SETTINGS

# Scripts, styles and everything else only from our own origin: no inline <script>, no inline style, no
# eval. (The widget's own CSS is a file; it sets styles through the CSSOM, which a CSP allows.)
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
HSTS = "max-age=31536000"
SERVER = "hpcc-assistant"


def add_fixed_headers(headers: MutableMapping[str, str], *, hsts: bool) -> None:
    """Add the headers every response gets whatever was asked (those already set are kept)."""
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if hsts:
        headers.setdefault("Strict-Transport-Security", HSTS)


def add_security_headers(request: web.Request, headers: MutableMapping[str, str]) -> None:
    """Add the security headers (those a handler set itself are kept)."""
    # Over HTTPS (here or at a trusted proxy), or when the settings say the site is served over HTTPS.
    add_fixed_headers(headers, hsts=forwarded_secure(request) or request.app[SETTINGS].secure_cookies)
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on every response, and on the HTTP exceptions that pass through (redirects)."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        add_security_headers(request, exc.headers)
        raise
    add_security_headers(request, response.headers)
    return response


async def hide_server(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: aiohttp sets "Server: Python/3.x aiohttp/x.y" just before; name nothing instead."""
    response.headers["Server"] = SERVER
