"""The replay cache: a message resent with the same id (after a network drop) is answered once, by any instance.

The widget retries after a network drop without knowing whether the first try reached us; this keeps such a
retry from reaching Rasa twice. The first attempt claims the message in the shared state; a retry that comes
while it is still running waits for its replies (joining it directly when it runs in this process), and a
retry after it gets the stored replies. Failed attempts are not kept, so they can be retried.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.web.errors import ApiError
from bot.web.state import Replies, SharedState

MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
POLL_SECONDS = 0.1


class ReplayCache:
    """Run each (sender, message id) once across every web instance sharing the state."""

    def __init__(self, state: SharedState, claim_seconds: float) -> None:
        self.state = state
        # A claim outlives the longest attempt, so a crashed instance's claim frees itself.
        self.claim_seconds = claim_seconds
        self._running: dict[tuple[str, str], asyncio.Future[Replies]] = {}

    async def run(self, sender: str, message_id: str | None, relay: Callable[[], Awaitable[Replies]]) -> Replies:
        """The replies for this message: relayed now, or those of an earlier attempt with the same id."""
        if message_id is None:
            return await relay()
        key = (sender, message_id)
        deadline = time.monotonic() + self.claim_seconds
        while True:
            running = self._running.get(key)
            if running is not None:
                return await asyncio.shield(running)
            stored = await self.state.replay_get(sender, message_id)
            if stored is not None:
                return stored
            if await self.state.replay_claim(sender, message_id, self.claim_seconds):
                return await self._relay(key, relay)
            if time.monotonic() > deadline:  # the other attempt never finished nor gave up
                raise ApiError(503, "assistant_busy", "Your message is still being answered. Please try again.")
            await asyncio.sleep(POLL_SECONDS)  # another instance is answering it: wait for its replies

    async def _relay(self, key: tuple[str, str], relay: Callable[[], Awaitable[Replies]]) -> Replies:
        future: asyncio.Future[Replies] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            replies = await relay()
        except BaseException as exc:
            await asyncio.shield(self.state.replay_release(*key))
            future.set_exception(exc)
            future.exception()  # mark retrieved: nobody else may be waiting
            raise
        finally:
            self._running.pop(key, None)
        await self.state.replay_store(*key, replies)
        future.set_result(replies)
        return replies

    async def forget(self, sender: str) -> None:
        """Drop every stored reply of this conversation."""
        await self.state.replay_forget(sender)


def parse_message_id(body: dict[str, Any]) -> str | None:
    """The optional client-made id of a message (for retries): up to 64 letters, digits, '-' or '_'."""
    raw = body.get("message_id")
    if raw is None:
        return None
    if not isinstance(raw, str) or not MESSAGE_ID.fullmatch(raw):
        raise ApiError(400, "invalid_message_id", "message_id must be up to 64 letters, digits, '-' or '_'.")
    return raw
