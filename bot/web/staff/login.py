"""Sign-in and sign-out of the dashboard.

A sign-in passes the throttle first (bot.web.staff.sign_in_throttle: per-address back-off, a global ceiling),
then the password check off the event loop (bot.services.staff.sign_in), then waits the short delay that the
address's recent failures earned before answering.
"""

from __future__ import annotations

import asyncio
import math
import unicodedata
from urllib.parse import urlsplit

from aiohttp import web

from bot.db.engine import unit_of_work
from bot.services import audit, clock
from bot.services.staff import sessions as staff_sessions
from bot.services.staff import sign_in
from bot.web.body import read_form
from bot.web.client_address import client_address
from bot.web.keys import SESSIONS, SETTINGS
from bot.web.staff import csrf
from bot.web.staff.auth import COOKIE_NAME, COOKIE_PATH, LOGIN_PATH, PAGE_PREFIX
from bot.web.staff.identity import SESSION_TOKEN, current_staff
from bot.web.staff.pages import redirect, render_staff
from bot.web.staff.sign_in_throttle import SIGN_IN_THROTTLE, Refusal

routes = web.RouteTableDef()

# One message for unknown address, wrong password and disabled account: sign-in must not reveal which.
FAILED_MESSAGE = "The email address or password is not right. Check them and try again, or ask a supervisor."
THROTTLED_MESSAGES = {
    "address": "There have been too many unsuccessful sign-ins from your connection. Wait {seconds} and try again.",
    "busy": "The sign-in service is busy. Wait {seconds} and try again.",
}
MAX_FIELD_CHARS = 1000


def safe_next(raw: str | None) -> str:
    """Where to go after signing in: only a dashboard path of ours, never another site."""
    # It becomes the Location header: a control character there (or a lone surrogate) would make aiohttp drop
    # the answer after the session was made.
    if not raw or any(unicodedata.category(char) in ("Cc", "Cs") for char in raw):
        return PAGE_PREFIX
    parts = urlsplit(raw)
    path_ok = parts.path == PAGE_PREFIX or parts.path.startswith(PAGE_PREFIX + "/")
    if parts.scheme or parts.netloc or "\\" in raw or raw.startswith("//") or not path_ok or parts.path == LOGIN_PATH:
        return PAGE_PREFIX
    return raw


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    # A session cookie (no Max-Age): it goes when the browser closes, which suits shared computers.
    response.set_cookie(
        name, value, path=COOKIE_PATH, httponly=True, samesite="Strict", secure=request.app[SETTINGS].secure_cookies
    )


def _login_page(request: web.Request, token: str, *, next_path: str, email: str = "", error: str = "",
                status: int = 200) -> web.Response:
    response = render_staff(
        request, "staff/login.html", status=status, title="Sign in", login_csrf=token, next_path=next_path,
        email=email, error=error, staff=None,
    )
    _set_cookie(request, response, csrf.LOGIN_COOKIE, token)
    return response


@routes.get(LOGIN_PATH)
async def login_form(request: web.Request) -> web.Response:
    """The sign-in form."""
    token = request.cookies.get(csrf.LOGIN_COOKIE) or csrf.new_token()
    return _login_page(request, token, next_path=safe_next(request.query.get("next")))


def _seconds(count: int) -> str:
    return f"{count} second{'s' if count != 1 else ''}"


def _throttled(request: web.Request, token: str, refusal: Refusal, *, next_path: str, email: str) -> web.Response:
    message = THROTTLED_MESSAGES[refusal.reason].format(seconds=_seconds(refusal.retry_after))
    response = _login_page(request, token, next_path=next_path, email=email, error=message, status=429)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


@routes.post(LOGIN_PATH)
async def login_submit(request: web.Request) -> web.Response:
    """Check the address and password; on success start a session and go where the user was heading."""
    form = await read_form(request)
    cookie_token = request.cookies.get(csrf.LOGIN_COOKIE, "")
    if not csrf.tokens_match(await csrf.supplied_token(request), cookie_token):
        raise web.HTTPForbidden(reason="The form had expired. Please try again.")
    email = str(form.get("email", ""))[:MAX_FIELD_CHARS]
    password = str(form.get("password", ""))[:MAX_FIELD_CHARS]
    next_path = safe_next(str(form.get("next", "")))
    if not (email and password):
        return _login_page(request, cookie_token, next_path=next_path, email=email, error=FAILED_MESSAGE, status=400)
    address, throttle = client_address(request), request.app[SIGN_IN_THROTTLE]
    refusal = throttle.admit(address)
    if refusal is not None:
        return _throttled(request, cookie_token, refusal, next_path=next_path, email=email)
    now, outcome = clock.now(), None
    try:
        async with unit_of_work(request.app[SESSIONS]) as db:
            outcome = await sign_in.login(db, email, password, now)
            if outcome.user is not None:
                old_token = request.cookies.get(COOKIE_NAME)
                if old_token:
                    await staff_sessions.end_session(db, old_token)
                await staff_sessions.purge_expired_sessions(db, now)
                session_token, _ = await staff_sessions.create_session(db, outcome.user, now)
    finally:
        succeeded, delay = (outcome.user is not None, outcome.delay) if outcome is not None else (False, 0.0)
        backoff = throttle.done(address, succeeded=succeeded, answered_in=delay)
    if backoff:
        async with unit_of_work(request.app[SESSIONS]) as db:
            await audit.record(db, actor=audit.pseudonym(address, purpose="client"), action="staff.login_backoff",
                               details={"seconds": math.ceil(backoff)})
    await asyncio.sleep(delay)  # after the transaction and the throttle: a slowed sign-in holds neither
    if outcome.user is None:
        return _login_page(request, cookie_token, next_path=next_path, email=email, error=FAILED_MESSAGE, status=400)
    response = redirect(next_path)
    _set_cookie(request, response, COOKIE_NAME, session_token)
    response.del_cookie(csrf.LOGIN_COOKIE, path=COOKIE_PATH)
    return response


@routes.post("/staff/logout")
async def logout(request: web.Request) -> web.Response:
    """End the session (the middleware has checked it and its CSRF token) and return to sign-in."""
    identity = current_staff(request)
    async with unit_of_work(request.app[SESSIONS]) as db:
        await staff_sessions.end_session(db, request[SESSION_TOKEN])
        await audit.record(db, actor=identity.actor, action="staff.logout", subject=identity.actor)
    response = redirect(LOGIN_PATH)
    response.del_cookie(COOKIE_NAME, path=COOKIE_PATH)
    return response
