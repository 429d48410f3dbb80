"""The staff dashboard (/staff pages) and the staff JSON API (/api/staff, /api/tickets), mounted by `register`.

Build pages on it with `require_staff`, `require_api_token` (bot.web.staff.auth), `current_staff`
(bot.web.staff.identity) and `render_staff` (bot.web.staff.pages), and add the module's routes below.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.staff import audit_log, feedback, home, login, lost_property, tickets, tickets_api
from bot.web.staff.auth import staff_middleware

# Every route of the complaints team, pages and JSON API alike: mounted in this one place.
ROUTES = (
    login.routes,  # /staff/login, /staff/logout
    home.routes,  # /staff, /api/staff/me
    audit_log.routes,  # /staff/audit (supervisors)
    tickets.routes,  # /staff/tickets: the complaints queue and tickets
    tickets_api.routes,  # /api/tickets: the same for scripts, with a bearer token
    lost_property.routes,  # /staff/lost-property: lost reports and suggested found items
    feedback.routes,  # /staff/feedback: answers to "Was this helpful?"
)


def register(app: web.Application) -> None:
    """Mount the dashboard and the staff API on the app: the staff middleware and every route (before start)."""
    app.middlewares.append(staff_middleware)
    for routes in ROUTES:
        app.add_routes(routes)
