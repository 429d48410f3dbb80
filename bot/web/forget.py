"""Forgetting a conversation (the widget's quick exit): DELETE /api/chat/{sender} or POST .../forget.

The quick exit sends its request with navigator.sendBeacon while the page is leaving, and a beacon
can only POST, hence the POST twin of the DELETE. It takes no body, whatever the content type.
"""

from __future__ import annotations

import uuid

from aiohttp import web

from bot.services import tracker_events
from bot.web.errors import ApiError
from bot.web.keys import FORGOTTEN, REPLAYS, SESSIONS
from bot.web.limits import check_forget

routes = web.RouteTableDef()


def parse_sender(raw: str) -> str:
    """The canonical form of a sender id from the URL, which must be a UUID."""
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise ApiError(400, "invalid_sender", "sender must be a UUID.") from exc


async def forget_conversation(app: web.Application, sender: str) -> None:
    """Delete the conversation's events and everything the web app's shared state remembers of it."""
    await app[FORGOTTEN].add(sender)
    await app[REPLAYS].forget(sender)
    async with app[SESSIONS]() as session, session.begin():
        await tracker_events.forget(session, sender)


@routes.delete("/api/chat/{sender}")
@routes.post("/api/chat/{sender}/forget")
async def forget(request: web.Request) -> web.StreamResponse:
    """End the conversation and delete its events; 204 even if there was nothing to delete."""
    sender = parse_sender(request.match_info["sender"])
    # Buckets of its own, checked before anything else: a resident who hit the chat limit can always leave.
    await check_forget(request, sender)
    await forget_conversation(request.app, sender)
    return web.Response(status=204)
