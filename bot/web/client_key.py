"""Who is asking, as far as limits are concerned: the client's address, and a pseudonym of it for other services.

For now the connecting address (request.remote). When EDGE-WEB's trusted-proxy-aware helper lands
(bot.web.client_address.client_address: X-Forwarded-For believed only from BOT_TRUSTED_PROXIES, IPv6 by /64),
`client_address` below must return what it returns, so staff sign-in throttling and the chat's client key see
the resident behind the proxy rather than the proxy.
"""

from __future__ import annotations

from aiohttp import web

from bot.services import audit


def client_address(request: web.Request) -> str:
    """The client's address for limits (the connecting address until the proxy-aware helper is merged)."""
    return request.remote or "unknown"


def client_pseudonym(request: web.Request) -> str:
    """A pseudonym of the client's address: lets the action server limit per address without knowing it."""
    return audit.pseudonym(client_address(request), purpose="client")
