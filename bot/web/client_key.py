"""A pseudonym of the client's address, for services that limit per address without knowing it."""

from __future__ import annotations

from aiohttp import web

from bot.services import audit
from bot.web.client_address import client_address


def client_pseudonym(request: web.Request) -> str:
    """A pseudonym of the client's address (behind trusted proxies): the action server limits per address with it."""
    return audit.pseudonym(client_address(request), purpose="client")
