"""The relay to Rasa, within the time a resident waits: Rasa's answer, or an apology with a phone number.

The whole of BOT_RASA_TIMEOUT is shared out: most of it waiting for Rasa, the rest to look up in Rasa's tracker
what the resident was doing, for the apology's phone number. An empty answer (the action server down), an error,
no Rasa at all or a slow one (the action server hung) become a 502/503/504 in the one error shape whose message
is that apology, with 999. A message with an id is answered once however often it is sent (bot/web/replay_cache.py),
and when Rasa stored its turn but the answer was lost on the way, the answer is read back from the tracker.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import aiohttp
from aiohttp import web

from bot.services.verified_lookup import CLIENT_METADATA_KEY
from bot.settings import Settings
from bot.web.apology import APOLOGIES, GENERAL, apology
from bot.web.errors import ApiError
from bot.web.keys import DOMAIN, REPLAYS, SETTINGS
from bot.web.limits import Place
from bot.web.rasa_api import post_message, tracker_state
from bot.web.state import Replies
from rasa_addons.stored_events import MESSAGE_ID_KEY

log = logging.getLogger(__name__)

LOOKUP_SECONDS = 1.0  # at most this much of the budget goes to finding the right phone number
# Failures after which Rasa may have finished the turn all the same: it died or failed before answering.
CONNECTION_FAILURES = frozenset({"assistant_error", "assistant_unavailable"})


def budget(app: web.Application) -> tuple[float, float]:
    """Seconds for Rasa's answer, and for the tracker lookup after a failure: together BOT_RASA_TIMEOUT."""
    total = float(app[SETTINGS].rasa_timeout_seconds)
    lookup = min(LOOKUP_SECONDS, total * 0.2)
    return total - lookup, lookup


def usable(replies: Any) -> list[dict[str, Any]]:
    """The messages the widget can show (text or buttons): anything else is no answer."""
    if not isinstance(replies, list):
        return []
    return [r for r in replies if isinstance(r, dict) and (isinstance(r.get("text"), str) or r.get("buttons"))]


async def _failure(app: web.Application, sender: str, status: int, code: str) -> ApiError:
    _, lookup = budget(app)
    return ApiError(status, code, await apology(app, sender, lookup))


def late_seconds(settings: Settings) -> float:
    """How long a turn the resident stopped waiting for is still awaited, for a resend of the same message."""
    # Long enough for a turn queued behind a dead replica's lock (about 5 s) to finish; short enough that a turn
    # stuck on a hung action server gives up Rasa's lock for the resident's next message soon after.
    return 2.0 * settings.rasa_timeout_seconds


class NoAnswer(Exception):
    """Rasa gave nothing usable: the HTTP status and code for the apology, and why (for the log)."""

    def __init__(self, status: int, code: str, why: str) -> None:
        super().__init__(why)
        self.status, self.code, self.why = status, code, why


async def ask(
    app: web.Application, sender: str, message: str, wait: float, client: str, message_id: str | None = None
) -> Replies:
    """Rasa's usable answer to one message within `wait` seconds, each message with its kind; else NoAnswer."""
    try:
        metadata = {CLIENT_METADATA_KEY: client}
        if message_id:
            metadata[MESSAGE_ID_KEY] = turn_key(sender, message_id)
        replies = usable(await post_message(app, sender, message, wait, metadata))
    except asyncio.TimeoutError:
        raise NoAnswer(504, "assistant_timeout", f"Rasa did not answer within {wait:.1f} s") from None
    except aiohttp.ClientResponseError as exc:
        raise NoAnswer(502, "assistant_error", f"Rasa answered {exc.status}") from None
    except (aiohttp.ClientError, ValueError) as exc:
        raise NoAnswer(503, "assistant_unavailable", f"Rasa could not be reached ({type(exc).__name__})") from None
    if not replies:
        raise NoAnswer(502, "assistant_no_answer", "Rasa answered nothing (is the action server down?)")
    return app[DOMAIN].annotate(replies)


def turn_key(sender: str, message_id: str) -> str:
    """The id Rasa gets for a message: a hash of the conversation and the client's id (32 hex digits).

    It goes in the message's metadata under MESSAGE_ID_KEY, which the tracker store keeps: how a turn Rasa
    finished is recognised when its answer was lost on the way. Being a hash, nothing a client puts in its id
    is stored.
    """
    return hashlib.sha256(f"{sender}\n{message_id}".encode()).hexdigest()[:32]


def answered_in(events: Any, sender: str, message_id: str) -> list[dict[str, Any]]:
    """The assistant's messages after the resident's last one, if that one is this message; else none."""
    if not isinstance(events, list):
        return []
    users = [i for i, event in enumerate(events) if isinstance(event, dict) and event.get("event") == "user"]
    if not users or (events[users[-1]].get("metadata") or {}).get(MESSAGE_ID_KEY) != turn_key(sender, message_id):
        return []
    replies = []
    for event in events[users[-1] + 1 :]:
        if isinstance(event, dict) and event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons")
            reply = {"recipient_id": sender, "text": event.get("text")}
            replies.append({**reply, "buttons": buttons} if buttons else reply)
    return replies


async def ask_once(
    app: web.Application, sender: str, message: str, wait: float, client: str, message_id: str
) -> Replies:
    """ask(); but when the connection failed, Rasa may have finished the turn all the same: then its answer.

    A Rasa server that dies after storing a turn, before answering, leaves the web app a dropped connection;
    resent as new, the message would be a second one (a form would take it for the next question's answer).
    The tracker says whether the resident's last message is this one, and what the assistant said after it
    (as stored: a form value it repeated shows as its placeholder).
    """
    try:
        return await ask(app, sender, message, wait, client, message_id)
    except NoAnswer as exc:
        if exc.code not in CONNECTION_FAILURES:
            raise
        _, lookup = budget(app)
        try:
            state = await tracker_state(app, sender, lookup, include_events="AFTER_RESTART")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            raise exc from None
        replies = usable(answered_in(state.get("events"), sender, message_id))
        if not replies:
            raise
        log.warning("%s after it had answered: the answer was read from the tracker", exc.why)
        return app[DOMAIN].annotate(replies)


async def relay(
    app: web.Application,
    sender: str,
    message: str,
    *,
    client: str = "",
    message_id: str | None = None,
    place: Place | None = None,
) -> Replies:
    """Rasa's messages for this message, each with its kind; failures become an apology (an ApiError).

    With a `message_id`, a resend of the message is answered once (see bot.web.replay_cache): a try the
    resident stopped waiting for goes on for `late_seconds`, and its answer is the resend's. `client` (a
    pseudonym of the resident's address) goes in the message's metadata, where the status checks' actions read
    it to limit guessing per address (bot.services.verified_lookup); Rasa never sees the address. The address's
    `place` for messages being answered (bot.web.limits.in_flight) goes with a turn started here, and is given
    back when that turn ends, however long after the resident stopped waiting.
    """
    wait, _ = budget(app)
    try:
        if message_id is None:
            return await ask(app, sender, message, wait, client)
        late = late_seconds(app[SETTINGS])

        async def attempt() -> Replies:
            if place is not None:
                place.handed_on = True
            try:
                return await ask_once(app, sender, message, late, client, message_id)
            finally:
                if place is not None:
                    await asyncio.shield(place.leave())

        return await app[REPLAYS].run(sender, message_id, attempt, wait)
    except asyncio.TimeoutError:
        log.warning("Rasa did not answer within %.1f s (is the action server hung?)", wait)
        raise await _failure(app, sender, 504, "assistant_timeout") from None
    except NoAnswer as exc:
        log.warning("%s", exc.why)
        raise await _failure(app, sender, exc.status, exc.code) from None


async def form_in_progress(app: web.Application, sender: str) -> bool:
    """Whether the conversation is inside a form (a "Was this helpful?" press must not become its answer)."""
    _, lookup = budget(app)
    try:
        state = await tracker_state(app, sender, lookup)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        # Rasa cannot say (so it could not answer either): the general numbers, without asking it again.
        raise ApiError(503, "assistant_unavailable", APOLOGIES[GENERAL]) from None
    return bool((state.get("active_loop") or {}).get("name"))
