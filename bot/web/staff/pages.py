"""Rendering helpers of the dashboard: pages with the signed-in user and CSRF token, redirects, errors."""

from __future__ import annotations

from typing import Any, TypeVar

from aiohttp import web

from bot.web.pages import render
from bot.web.staff.identity import STAFF, StaffIdentity

R = TypeVar("R", bound=web.StreamResponse)

ERROR_TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You cannot see this page",
    404: "Page not found",
    405: "Sorry, there is a problem with that request",
    413: "That was too large to send",
    500: "Sorry, there is a problem with the service",
}


def render_staff(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render a dashboard template with `staff` (the signed-in StaffIdentity) and `csrf_token` in context.

    Every form that posts must include `<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`.
    """
    identity = request.get(STAFF)
    context.setdefault("staff", identity)
    context.setdefault("csrf_token", identity.csrf_token if identity is not None else "")
    context.setdefault("current_path", request.path)
    return no_store(render(request, template, status=status, **context))


def render_error(request: web.Request, status: int, identity: StaffIdentity | None) -> web.Response:
    """A friendly HTML error page of the dashboard (API errors stay JSON)."""
    title = ERROR_TITLES.get(status, ERROR_TITLES[400] if status < 500 else ERROR_TITLES[500])
    return render_staff(request, "staff/error.html", status=status, title=title, error_status=status, staff=identity)


def redirect(location: str) -> web.Response:
    """303 See Other to a path of ours (returned, so the middlewares still add their headers)."""
    return web.Response(status=303, headers={"Location": location})


def no_store(response: R) -> R:
    """Keep a staff page out of every cache (shared computers, the back button after sign-out)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Pragma", "no-cache")
    return response
