"""The replay cache: a message resent with the same id (after a drop or a timeout) is answered once, by any instance.

The widget resends a message with its id after a network drop, and when the resident sends the same words again
after an apology; neither knows whether the first try reached Rasa. This keeps such a resend from reaching Rasa
twice. The first attempt claims the message in the shared state; a resend that comes while it is still running
waits for its replies (joining it directly when it runs in this process), and a resend after it gets the stored
replies. An attempt the resident stopped waiting for (a timeout) goes on in the background for a while, so that
its answer, when Rasa gives it, is the one a resend gets: otherwise the turn Rasa finished late and the resend
would be two answers to one message (a form would take the same words for two questions). Failed attempts are
not kept, so they can be retried. Replies that tell the resident nothing they typed was kept first drop the
conversation's earlier replies, which may repeat it (a complaint's read-back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.web.errors import ApiError
from bot.web.state import Replies, SharedState

log = logging.getLogger(__name__)

MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
POLL_SECONDS = 0.1
MAX_LATE = 100  # attempts going on after their resident stopped waiting, per process; more are cancelled

Relay = Callable[[], Awaitable[Replies]]
KeepLate = Callable[[str], Awaitable[bool]]
Clears = Callable[[Replies], bool]


async def _always(sender: str) -> bool:
    return True


def _never(replies: Replies) -> bool:
    return False


class ReplayCache:
    """Run each (sender, message id) once across every web instance sharing the state."""

    def __init__(
        self, state: SharedState, claim_seconds: float, keep_late: KeepLate = _always, clears: Clears = _never
    ) -> None:
        self.state = state
        # A claim outlives the longest attempt (the relay's own timeout), so a crashed instance's claim frees itself.
        self.claim_seconds = claim_seconds
        # Asked before a late answer is kept: a conversation forgotten meanwhile must not be stored again.
        self.keep_late = keep_late
        # Whether replies promise that nothing typed was kept: then the earlier cached replies go first.
        self.clears = clears
        self._running: dict[tuple[str, str], asyncio.Task[Replies]] = {}
        self._late: set[asyncio.Task[Replies]] = set()

    async def run(self, sender: str, message_id: str, relay: Relay, patience: float) -> Replies:
        """The replies for this message, relayed now or those of an earlier attempt with the same id.

        Waits at most `patience` seconds, then raises asyncio.TimeoutError; an attempt started here goes on
        in the background (up to the relay's own timeout) for a resend to find.
        """
        key = (sender, message_id)
        deadline = time.monotonic() + patience
        while True:
            running = self._running.get(key)
            if running is not None:
                return await self._wait(running, deadline, started_here=False)
            stored = await self.state.replay_get(sender, message_id)
            if stored is not None:
                return stored
            if await self.state.replay_claim(sender, message_id, self.claim_seconds):
                task = asyncio.get_running_loop().create_task(self._attempt(key, relay))
                self._running[key] = task
                return await self._wait(task, deadline, started_here=True)
            if time.monotonic() >= deadline:  # another instance is answering it, and has not yet
                raise asyncio.TimeoutError
            await asyncio.sleep(POLL_SECONDS)  # another instance is answering it: wait for its replies

    async def _wait(self, task: asyncio.Task[Replies], deadline: float, *, started_here: bool) -> Replies:
        try:
            return await asyncio.wait_for(asyncio.shield(task), max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            if started_here and not task.done():
                self._go_on_late(task)
            raise
        except asyncio.CancelledError:
            if task.cancelled():  # the attempt was given up (too many late ones, or the app stopping): no answer
                raise asyncio.TimeoutError from None
            if started_here and not task.done():  # the request itself went away: same as a timeout
                self._go_on_late(task)
            raise

    def _go_on_late(self, task: asyncio.Task[Replies]) -> None:
        if len(self._late) >= MAX_LATE:
            # So many unanswered turns that Rasa is in trouble: give this one up (Rasa drops it) as before.
            log.warning("too many late answers awaited; this turn is given up")
            task.cancel()
            return
        self._late.add(task)
        task.add_done_callback(self._settle)

    def _settle(self, task: asyncio.Task[Replies]) -> None:
        self._late.discard(task)
        if not task.cancelled() and task.exception() is not None:  # retrieved: nobody else is waiting for it
            log.info("a late answer did not come (%s)", type(task.exception()).__name__)

    async def _attempt(self, key: tuple[str, str], relay: Relay) -> Replies:
        try:
            replies = await relay()
            if asyncio.current_task() in self._late and not await self.keep_late(key[0]):
                raise ApiError(410, "conversation_ended", "This conversation has ended.")  # nobody sees it
        except BaseException:
            self._running.pop(key, None)
            await asyncio.shield(self.state.replay_release(*key))
            raise
        try:
            if self.clears(replies):
                await self.state.replay_forget(key[0])
            await self.state.replay_store(*key, replies)
        finally:
            self._running.pop(key, None)
        return replies

    async def close(self) -> None:
        """Cancel the attempts still going on (the app is stopping): their claims free themselves."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task

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
