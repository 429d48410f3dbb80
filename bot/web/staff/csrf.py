"""CSRF protection of dashboard forms: a secret per session, echoed back by every form or request header.

Signed-in pages use the session's token (rendered as `csrf_token`). The sign-in form has no session yet,
so it uses a double-submit cookie instead: a random value both in a cookie and in the form.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from bot.web.body import read_form

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
LOGIN_COOKIE = "staff_login_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def new_token() -> str:
    """A fresh unguessable token."""
    return secrets.token_urlsafe(32)


async def supplied_token(request: web.Request) -> str:
    """The token a request carries: the X-CSRF-Token header, else the form's csrf_token field."""
    header = request.headers.get(HEADER)
    if header:
        return header
    if request.content_type in _FORM_TYPES:
        # aiohttp caches the parsed form, so the handler can still read it.
        value = (await read_form(request)).get(FIELD)
        return value if isinstance(value, str) else ""
    return ""


def tokens_match(supplied: str, expected: str) -> bool:
    """Constant-time comparison that never accepts an empty token."""
    return bool(supplied) and bool(expected) and hmac.compare_digest(supplied.encode(), expected.encode())


async def check(request: web.Request, expected: str) -> None:
    """Raise 403 unless the request carries the expected token."""
    if not tokens_match(await supplied_token(request), expected):
        raise web.HTTPForbidden(reason="The form had expired or did not come from this site. Please try again.")
