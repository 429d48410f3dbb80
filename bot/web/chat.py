"""POST /api/chat: validates, rate-limits and relays a resident's message to Rasa's REST channel."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp
from aiohttp import web

from bot.services import tracker_events
from bot.web.cors import preflight, with_cors
from bot.web.errors import ApiError
from bot.web.keys import FORGOTTEN, HTTP, IP_LIMITER, REPLAYS, SENDER_LIMITER, SESSIONS, SETTINGS
from bot.web.replay_cache import parse_message_id

routes = web.RouteTableDef()

def parse_chat_request(body: Any, max_chars: int) -> tuple[str, str]:
    """Check the {"sender", "message"} body; returns the canonical sender and the trimmed message."""
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", 'Send a JSON object: {"sender": "<uuid>", "message": "<text>"}.')
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str):
        raise ApiError(400, "invalid_sender", "sender must be a UUID string.")
    try:
        # A random UUID per conversation: guessable ids would let one person read another's conversation.
        sender = str(uuid.UUID(sender))
    except ValueError as exc:
        raise ApiError(400, "invalid_sender", "sender must be a UUID string.") from exc
    if not isinstance(message, str) or not message.strip():
        raise ApiError(400, "invalid_message", "message must be a non-empty string.")
    message = message.strip()
    if len(message) > max_chars:
        raise ApiError(413, "message_too_long", f"message must be at most {max_chars} characters.")
    return sender, message


routes.options("/api/chat")(preflight)


@routes.post("/api/chat")
async def chat(request: web.Request) -> web.StreamResponse:
    """Relay one message to Rasa and return its list of bot messages, as the REST channel does."""
    settings = request.app[SETTINGS]
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", "The request body must be JSON.") from exc
    sender, message = parse_chat_request(body, settings.chat_max_chars)
    if not (request.app[SENDER_LIMITER].allow(sender) and request.app[IP_LIMITER].allow(str(request.remote))):
        raise ApiError(429, "too_many_requests", "You're sending messages very quickly. Please wait a moment.")
    if sender in request.app[FORGOTTEN]:
        raise ApiError(410, "conversation_ended", "This conversation has ended. Please start a new one.")
    # The widget resends a message with the same id after a network drop; Rasa must see it only once.
    replies = await request.app[REPLAYS].run(
        sender, parse_message_id(body), lambda: relay(request.app, sender, message)
    )
    if sender in request.app[FORGOTTEN]:
        # Forgotten while Rasa was answering, and Rasa has just saved the events again: delete them again.
        async with request.app[SESSIONS]() as session, session.begin():
            await tracker_events.forget(session, sender)
        raise ApiError(410, "conversation_ended", "This conversation has ended. Please start a new one.")
    return with_cors(request, web.json_response(replies))


async def relay(app: web.Application, sender: str, message: str) -> list[dict[str, Any]]:
    """Post to Rasa's REST webhook; Rasa being down or slow becomes a 503/504 in our error shape."""
    settings = app[SETTINGS]
    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    try:
        async with app[HTTP].post(
            url,
            json={"sender": sender, "message": message},
            timeout=aiohttp.ClientTimeout(total=settings.rasa_timeout_seconds),
        ) as response:
            if response.status != 200:
                raise ApiError(502, "assistant_error", "The assistant could not answer just now. Please try again.")
            replies = await response.json()
    except asyncio.TimeoutError as exc:
        raise ApiError(504, "assistant_timeout", "The assistant took too long to answer. Please try again.") from exc
    except aiohttp.ClientError as exc:
        raise ApiError(
            503, "assistant_unavailable", "The assistant is not available just now. In an emergency call 999."
        ) from exc
    return replies if isinstance(replies, list) else []
