"""Forgetting a conversation (the widget's quick exit): DELETE /api/chat/{sender} or POST .../forget.

The quick exit sends its request with navigator.sendBeacon while the page is leaving, and a beacon
can only POST, hence the POST twin of the DELETE.
"""

from __future__ import annotations

import uuid

from aiohttp import web

from bot.services import tracker_events
from bot.web.cors import preflight, with_cors
from bot.web.errors import ApiError
from bot.web.keys import FORGOTTEN, IP_LIMITER, REPLAYS, SENDER_LIMITER, SESSIONS

routes = web.RouteTableDef()


def parse_sender(raw: str) -> str:
    """The canonical form of a sender id from the URL, which must be a UUID."""
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise ApiError(400, "invalid_sender", "sender must be a UUID.") from exc


async def forget_conversation(app: web.Application, sender: str) -> None:
    """Delete the conversation's events and everything this process remembers of it."""
    app[FORGOTTEN].add(sender)
    app[REPLAYS].forget(sender)
    async with app[SESSIONS]() as session, session.begin():
        await tracker_events.forget(session, sender)


routes.options("/api/chat/{sender}")(preflight)
routes.options("/api/chat/{sender}/forget")(preflight)


@routes.delete("/api/chat/{sender}")
@routes.post("/api/chat/{sender}/forget")
async def forget(request: web.Request) -> web.StreamResponse:
    """End the conversation and delete its events; 204 even if there was nothing to delete."""
    sender = parse_sender(request.match_info["sender"])
    # Keys of their own, so a resident who hit the chat limit can still always make us forget them.
    if not (
        request.app[SENDER_LIMITER].allow(f"forget:{sender}")
        and request.app[IP_LIMITER].allow(f"forget:{request.remote}")
    ):
        raise ApiError(429, "too_many_requests", "Too many requests. Please wait a moment.")
    await forget_conversation(request.app, sender)
    return with_cors(request, web.Response(status=204))
