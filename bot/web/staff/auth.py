"""Who is asking: dashboard sessions (cookie) for /staff pages, bearer tokens for the staff JSON API.

A middleware guards every path under /staff (but the sign-in page) and every staff API prefix, so pages
added later are refused to anonymous callers without anyone remembering a decorator. The decorators
`require_staff` and `require_api_token` add role checks (and guard a route mounted somewhere else).
Signed-in requests whose path parameters, query strings or JSON bodies hold text the database cannot store (a
NUL, a lone surrogate) are refused here (forms: by bot.web.body.read_form), so no handler hands PostgreSQL a NUL.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from aiohttp import web

from bot.db.engine import unit_of_work
from bot.db.models import STAFF_ROLES
from bot.services import clock
from bot.services.staff import sessions as staff_sessions
from bot.web.body import check_json, check_path, check_query
from bot.web.errors import Handler, error_response
from bot.web.keys import SESSIONS
from bot.web.staff import csrf
from bot.web.staff.identity import SESSION_TOKEN, STAFF, StaffIdentity
from bot.web.staff.pages import no_store, redirect, render_error

log = logging.getLogger(__name__)

COOKIE_NAME = "staff_session"
COOKIE_PATH = "/staff"
PAGE_PREFIX = "/staff"
LOGIN_PATH = "/staff/login"
PUBLIC_PAGES = frozenset({LOGIN_PATH})
# JSON endpoints for staff live under these prefixes (issue 5's tickets, issue 6's lost property, ours).
API_PREFIXES = ("/api/staff", "/api/tickets", "/api/lost-property")


def is_staff_page(path: str) -> bool:
    """True for dashboard pages (everything under /staff)."""
    return path == PAGE_PREFIX or path.startswith(PAGE_PREFIX + "/")


def is_staff_api(path: str) -> bool:
    """True for the staff JSON API (bearer tokens)."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def login_redirect(request: web.Request) -> web.Response:
    """Send an anonymous browser to the sign-in page, coming back here afterwards (GET only)."""
    target = request.path_qs if request.method == "GET" else PAGE_PREFIX
    return redirect(f"{LOGIN_PATH}?next={quote(target, safe='')}")


def unauthorized() -> web.Response:
    """The API's 401: the JSON error shape plus the Bearer challenge."""
    response = error_response(401, "unauthorized", "A valid staff API token is required.")
    response.headers["WWW-Authenticate"] = 'Bearer realm="staff"'
    return response


async def _session_identity(request: web.Request) -> StaffIdentity | None:
    token = request.cookies.get(COOKIE_NAME, "")
    if not token:
        return None
    async with unit_of_work(request.app[SESSIONS]) as db:
        signed_in = await staff_sessions.lookup_session(db, token, clock.now())
    if signed_in is None:
        return None
    request[SESSION_TOKEN] = token
    user = signed_in.user
    return StaffIdentity(user.id, user.email, user.role, "session", signed_in.csrf_token)


async def _token_identity(request: web.Request) -> StaffIdentity | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    async with unit_of_work(request.app[SESSIONS]) as db:
        user = await staff_sessions.verify_api_token(db, token.strip(), clock.now())
    return None if user is None else StaffIdentity(user.id, user.email, user.role, "token")


async def _page(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in PUBLIC_PAGES:
        return await handler(request)
    identity = await _session_identity(request)
    if identity is None:
        return login_redirect(request)
    request[STAFF] = identity
    _check_url(request)
    if request.method in csrf.UNSAFE_METHODS:
        await csrf.check(request, identity.csrf_token or "")
    # (a form's unstorable text is refused by read_form, whether the CSRF check or the handler reads it)
    return await handler(request)


def _check_url(request: web.Request) -> None:
    # Here rather than in each handler, so no page or endpoint, however new, hands PostgreSQL a NUL (a 500).
    check_path(request)
    check_query(request)


@web.middleware
async def staff_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Guard /staff pages (session + CSRF, friendly HTML errors, no-store) and the staff API (bearer)."""
    if is_staff_page(request.path):
        try:
            response = await _page(request, handler)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            response = render_error(request, exc.status, request.get(STAFF))
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            response = render_error(request, 500, request.get(STAFF))
        return no_store(response)
    if is_staff_api(request.path):
        identity = await _token_identity(request)
        if identity is None:
            return unauthorized()
        request[STAFF] = identity
        await _check_api_input(request)
    return await handler(request)


async def _check_api_input(request: web.Request) -> None:
    _check_url(request)
    await check_json(request)  # the handler's read_json gets the same body (aiohttp keeps what it read)


def _check_role(role: str | None) -> None:
    if role is not None and role not in STAFF_ROLES:
        raise ValueError(f"unknown role {role!r}")


# A guard answers a request it refuses (a redirect, a 401...), or None to let the handler run.
Guard = Callable[[web.Request], Awaitable[web.StreamResponse | None]]


def _guarded_by(guard: Guard) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            refusal = await guard(request)  # (a response is a mapping: an empty one is falsy, so test for None)
            return refusal if refusal is not None else await handler(request)

        return guarded

    return decorate


def require_staff(role: str | None = None) -> Callable[[Handler], Handler]:
    """Decorate a dashboard handler: anonymous browsers go to sign-in, the wrong role gets 403."""
    _check_role(role)

    async def guard(request: web.Request) -> web.StreamResponse | None:
        identity = request.get(STAFF)
        if identity is None or identity.via != "session":
            return login_redirect(request)
        if role is not None and identity.role != role:
            raise web.HTTPForbidden(reason="Your role cannot see this page.")
        return None

    return _guarded_by(guard)


def require_api_token(role: str | None = None) -> Callable[[Handler], Handler]:
    """Decorate a JSON API handler: no token or a bad one gets 401, the wrong role 403 (both JSON)."""
    _check_role(role)

    async def guard(request: web.Request) -> web.StreamResponse | None:
        identity = request.get(STAFF)
        if identity is None or identity.via != "token":
            # Mounted outside the guarded prefixes: authenticate here instead.
            identity = await _token_identity(request)
            if identity is None:
                return unauthorized()
            request[STAFF] = identity
            await _check_api_input(request)  # what the middleware checks under the API prefixes
        if role is not None and identity.role != role:
            return error_response(403, "forbidden", "This token's role cannot use this endpoint.")
        return None

    return _guarded_by(guard)
