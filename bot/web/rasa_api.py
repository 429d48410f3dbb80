"""The two calls the web app makes to Rasa on loopback: a message to the REST channel, and a tracker's state."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from bot.web.keys import HTTP, SETTINGS


async def post_message(
    app: web.Application, sender: str, message: str, timeout: float, metadata: dict[str, Any] | None = None
) -> Any:
    """Send a message (with its metadata) to Rasa's REST webhook and return its decoded answer.

    Raises asyncio.TimeoutError when Rasa is slower than `timeout` (the connection is then closed, and Rasa
    abandons the turn: see "When the assistant cannot answer" in the README), aiohttp.ClientError when Rasa
    cannot be reached, and aiohttp.ClientResponseError for an answer that is not a 200.
    """
    settings = app[SETTINGS]
    async with app[HTTP].post(
        f"{settings.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message, "metadata": metadata or {}},
        timeout=aiohttp.ClientTimeout(total=timeout),
    ) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


async def tracker_state(
    app: web.Application, sender: str, timeout: float, include_events: str = "NONE"
) -> dict[str, Any]:
    """The conversation's current state (slots, active form, latest message), without its events unless asked."""
    settings = app[SETTINGS]
    params = {"include_events": include_events}
    if settings.rasa_token:
        params["token"] = settings.rasa_token
    async with app[HTTP].get(
        f"{settings.rasa_url}/conversations/{sender}/tracker",
        params=params,
        timeout=aiohttp.ClientTimeout(total=timeout),
    ) as response:
        response.raise_for_status()
        state = await response.json(content_type=None)
    return state if isinstance(state, dict) else {}
