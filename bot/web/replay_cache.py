"""The replay cache: a message resent with the same id (after a network drop) is answered from memory, per process."""

from __future__ import annotations

import asyncio
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from bot.web.errors import ApiError

MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
Replies = list[dict[str, Any]]


class ReplayCache:
    """Run each (sender, message id) once: a retry of a message joins or replays the first attempt.

    The widget retries after a network drop without knowing whether the first try reached us; this
    keeps such a retry from reaching Rasa twice. Failed attempts are not kept, so they can be retried.
    """

    def __init__(
        self, ttl: float = 600.0, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[float, asyncio.Future[Replies]]] = OrderedDict()

    async def run(self, sender: str, message_id: str | None, relay: Callable[[], Awaitable[Replies]]) -> Replies:
        """The replies for this message: relayed now, or those of an earlier attempt with the same id."""
        if message_id is None:
            return await relay()
        self._prune()
        key = (sender, message_id)
        entry = self._entries.get(key)
        if entry is not None:
            return await asyncio.shield(entry[1])
        future: asyncio.Future[Replies] = asyncio.get_running_loop().create_future()
        self._entries[key] = (self._clock(), future)
        try:
            replies = await relay()
        except BaseException as exc:
            self._entries.pop(key, None)
            future.set_exception(exc)
            future.exception()  # mark retrieved: nobody else may be waiting
            raise
        future.set_result(replies)
        return replies

    def forget(self, sender: str) -> None:
        """Drop every cached reply of this conversation."""
        for key in [key for key in self._entries if key[0] == sender]:
            del self._entries[key]

    def _prune(self) -> None:
        now = self._clock()
        while self._entries:
            key, (created, _) = next(iter(self._entries.items()))
            if now - created < self.ttl and len(self._entries) < self.max_entries:
                break
            del self._entries[key]


def parse_message_id(body: dict[str, Any]) -> str | None:
    """The optional client-made id of a message (for retries): up to 64 letters, digits, '-' or '_'."""
    raw = body.get("message_id")
    if raw is None:
        return None
    if not isinstance(raw, str) or not MESSAGE_ID.fullmatch(raw):
        raise ApiError(400, "invalid_message_id", "message_id must be up to 64 letters, digits, '-' or '_'.")
    return raw
