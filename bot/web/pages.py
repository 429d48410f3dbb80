"""Public pages, rendered server-side from Jinja2 templates (autoescaped)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.web.keys import TEMPLATES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Where "Leave this site" goes: a neutral, busy site, as GOV.UK's "Exit this page" does.
EXIT_URL = "https://www.bbc.co.uk/weather"

routes = web.RouteTableDef()


def create_templates() -> jinja2.Environment:
    """The template environment; every value is HTML-escaped unless marked safe."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["exit_url"] = EXIT_URL
    return environment


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render a template to an HTML response."""
    html = request.app[TEMPLATES].get_template(template).render(**context)
    return web.Response(text=html, status=status, content_type="text/html")


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    """The demo page, styled like the Commissioner's website, with the chat widget on it."""
    return render(request, "home.html", title="Hertfordshire Police and Crime Commissioner")
