"""POST /api/chat: validates, rate-limits and relays a resident's message to Rasa's REST channel."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from bot.web.body import clean_text, read_json
from bot.web.client_key import client_pseudonym
from bot.web.domain_info import is_feedback
from bot.web.errors import ApiError
from bot.web.forget import forget_again_if_forgotten, scrubbed_failure
from bot.web.keys import DOMAIN, FORGOTTEN, SETTINGS
from bot.web.limits import check_chat, in_flight
from bot.web.relay import form_in_progress, late_seconds, relay
from bot.web.replay_cache import parse_message_id

routes = web.RouteTableDef()

ENDED = "This conversation has ended. Please start a new one."
FEEDBACK_IN_FORM = (
    "Please answer the question first (or type \"stop\" to leave it). You can tell us whether this helped afterwards."
)


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
    if not clean_text(message):
        raise ApiError(400, "invalid_message", "message contains control characters that cannot be sent.")
    return sender, message


@routes.post("/api/chat")
async def chat(request: web.Request) -> web.StreamResponse:
    """Relay one message to Rasa and return its list of bot messages (as the REST channel does, with kinds)."""
    app = request.app
    body = await read_json(request)
    sender, typed = parse_chat_request(body, app[SETTINGS].chat_max_chars)
    message_id = parse_message_id(body)
    # Typed "/intent{...}" is words, not an intent: only the domain's own buttons pass as payloads.
    message = app[DOMAIN].as_words(typed)
    if not message:
        raise ApiError(400, "invalid_message", "message must be a non-empty string.")
    try:
        return await _answer(request, sender, message, message_id)
    except (ApiError, web.HTTPException):
        raise
    except Exception as exc:  # a bug: the error middleware's log would keep what the error says of the message
        raise scrubbed_failure("answering a message", exc, sender, typed, message, message_id or "") from None


async def _answer(request: web.Request, sender: str, message: str, message_id: str | None) -> web.StreamResponse:
    app = request.app
    await check_chat(request, sender)
    if await app[FORGOTTEN].contains(sender):
        raise ApiError(410, "conversation_ended", ENDED)
    if is_feedback(message) and await form_in_progress(app, sender):
        raise ApiError(409, "feedback_in_form", FEEDBACK_IN_FORM)
    client = client_pseudonym(request)
    # The widget resends a message with the same id after a network drop or an apology; Rasa must see it once.
    try:
        # A turn still awaited after an apology keeps the place until it ends (late_seconds), so the ticket too.
        async with in_flight(request, late_seconds(app[SETTINGS]) + 5) as place:
            replies = await relay(app, sender, message, client=client, message_id=message_id, place=place)
    except Exception:
        # Forgotten while Rasa was answering, and the relay failed: still delete what Rasa may have stored.
        if await forget_again_if_forgotten(app, sender):
            raise ApiError(410, "conversation_ended", ENDED) from None
        raise
    if await forget_again_if_forgotten(app, sender):
        # Forgotten while Rasa was answering: whatever it stored of this turn is deleted again.
        raise ApiError(410, "conversation_ended", ENDED)
    return web.json_response(replies)
