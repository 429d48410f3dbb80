"""Rate limits of the public chat: per conversation, per client address and one ceiling for everyone, and how
many of one address's messages may be answered at once.

Every window is in the shared state, so all web instances count together, and a message is counted only
when every limit has room: a flooding client refused by its own limits uses up nothing of the ceiling the
others share. A refused request gets 429 with `Retry-After`. Forgetting a conversation (the quick exit) has
buckets of its own and no global ceiling, and is checked before anything of the chat's: however busy the
chat is, or however hard one address floods it, a resident can always leave without a trace.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.web.client_address import client_address
from bot.web.errors import ApiError
from bot.web.keys import SETTINGS, STATE
from bot.web.state import Limit, SharedState

MINUTE = 60.0
TOO_FAST = "You're sending messages very quickly. Please wait a moment."
BUSY = "The assistant is very busy just now. Please try again in a minute. In an emergency call 999."


def _refusal(wait: float, message: str) -> ApiError:
    return ApiError(429, "too_many_requests", message, headers={"Retry-After": str(max(1, math.ceil(wait)))})


async def check_chat(request: web.Request, sender: str) -> None:
    """Count one chat message against the conversation, the address and everyone; 429 if any is full."""
    settings = request.app[SETTINGS]
    sender_wait, address_wait, global_wait = await request.app[STATE].hit(
        [
            Limit(f"chat:sender:{sender}", settings.chat_rate_per_minute, MINUTE),
            Limit(f"chat:address:{client_address(request)}", settings.chat_rate_per_address, MINUTE),
            Limit("chat:global", settings.chat_rate_global, MINUTE),
        ]
    )
    if sender_wait or address_wait:
        raise _refusal(max(sender_wait, address_wait), TOO_FAST)
    if global_wait:
        raise _refusal(global_wait, BUSY)


class Place:
    """One of an address's places for messages being answered, given back once.

    It is given back when the request ends, or, when a turn it started goes on after it (a message with an id is
    awaited for a resend), when that turn ends.
    """

    def __init__(self, state: SharedState, key: str, ticket: str) -> None:
        self.state, self.key, self.ticket = state, key, ticket
        self.handed_on = False  # a turn that may outlive the request holds it now, and gives it back
        self._left = False

    async def leave(self) -> None:
        """Give the place back (once, whoever asks)."""
        if not self._left:
            self._left = True
            await self.state.leave(self.key, self.ticket)


@asynccontextmanager
async def in_flight(request: web.Request, ttl: float) -> AsyncIterator[Place]:
    """Hold one of the address's places for messages being answered (429 when they are all taken).

    A window of 300 a minute lets a script send all of them at once, and Rasa answers one turn after another:
    without this, one address could fill Rasa's queue and every resident would wait behind it. A turn that
    goes on after the request (`Place.handed_on`) keeps the place until it ends: Rasa is still answering it.
    """
    settings = request.app[SETTINGS]
    state = request.app[STATE]
    key = f"chat:flight:{client_address(request)}"
    # `ttl` outlives the longest turn the place may be held for, so a ticket left by an instance that died frees itself.
    ticket = await state.enter(key, settings.chat_in_flight_per_address, ttl)
    if ticket is None:
        raise _refusal(1, TOO_FAST)
    place = Place(state, key, ticket)
    try:
        yield place
    finally:
        if not place.handed_on:
            await place.leave()


async def check_forget(request: web.Request, sender: str) -> None:
    """Count one forget against its own buckets (never the chat's): per conversation and per address."""
    settings = request.app[SETTINGS]
    waits = await request.app[STATE].hit(
        [
            Limit(f"forget:sender:{sender}", settings.chat_rate_per_minute, MINUTE),
            Limit(f"forget:address:{client_address(request)}", settings.chat_rate_per_address, MINUTE),
        ]
    )
    if any(waits):
        raise _refusal(max(waits), "Too many requests. Please wait a moment.")
