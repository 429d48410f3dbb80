"""The shared state kept in this process: the default for one machine (one web app process)."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from bot.web.state.base import FORGOTTEN_TTL, REPLAY_TTL, Limit, Replies

MAX_KEYS = 100_000  # memory stays bounded however many senders and addresses come


class MemoryState:
    """Sliding windows, replies and forgotten senders in dictionaries, each entry with its expiry."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        replay_ttl: float = REPLAY_TTL,
        forgotten_ttl: float = FORGOTTEN_TTL,
    ) -> None:
        self._clock = clock
        self.replay_ttl = replay_ttl
        self.forgotten_ttl = forgotten_ttl
        self._events: OrderedDict[str, tuple[float, deque[float]]] = OrderedDict()  # key: (window, events)
        self._replies: OrderedDict[tuple[str, str], tuple[float, Replies]] = OrderedDict()
        self._claims: dict[tuple[str, str], float] = {}
        self._forgotten: OrderedDict[str, float] = OrderedDict()
        self._in_flight: dict[str, dict[str, float]] = {}
        self._tickets = itertools.count(1)

    async def hit(self, limits: list[Limit]) -> list[float]:
        """Seconds to wait per limit; the event is recorded under all of them only if all have room."""
        now = self._clock()
        self._expire_windows(now)
        waits = []
        for limit in limits:
            events = self._window(limit, now)
            # Full: wait until the event whose expiry leaves room for one more has left the window.
            full = len(events) >= limit.limit
            waits.append(events[len(events) - limit.limit] + limit.window - now if full else 0.0)
        if any(waits):
            return waits  # a refusal keeps nothing: a flood of new keys it refuses costs no memory
        for limit in limits:
            _, events = self._events.setdefault(limit.key, (limit.window, deque()))
            events.append(now)
            self._events.move_to_end(limit.key)
        while len(self._events) > MAX_KEYS:  # only when more windows than this still count something
            self._events.popitem(last=False)
        return waits

    async def enter(self, key: str, limit: int, ttl: float) -> str | None:
        """A ticket for one more request in flight under the key, if there is room."""
        now = self._clock()
        tickets = self._in_flight.setdefault(key, {})
        for ticket in [t for t, expires in tickets.items() if expires <= now]:
            del tickets[ticket]
        if len(tickets) >= limit:
            return None
        ticket = str(next(self._tickets))
        tickets[ticket] = now + ttl
        return ticket

    async def leave(self, key: str, ticket: str) -> None:
        """The request with this ticket is over."""
        tickets = self._in_flight.get(key, {})
        tickets.pop(ticket, None)
        if not tickets:
            self._in_flight.pop(key, None)

    def _window(self, limit: Limit, now: float) -> deque[float]:
        """The key's events still in its window (an empty deque, not stored, for a key with none)."""
        _, events = self._events.get(limit.key, (limit.window, deque()))
        while events and now - events[0] >= limit.window:
            events.popleft()
        return events

    def _expire_windows(self, now: float) -> None:
        # Windows are kept in the order of their last event, so those whose last event has left the window
        # (they count nothing any more) are at the front: dropped first, before any window that still counts.
        while self._events:
            window, events = next(iter(self._events.values()))
            if events and now - events[-1] < window:
                break
            self._events.popitem(last=False)

    async def replay_get(self, sender: str, message_id: str) -> Replies | None:
        """The stored replies of this message, if it was answered."""
        self._expire()
        entry = self._replies.get((sender, message_id))
        return copy.deepcopy(entry[1]) if entry and entry[0] > self._clock() else None

    async def replay_claim(self, sender: str, message_id: str, ttl: float) -> bool:
        """Claim the message for relaying (False if claimed or answered already)."""
        self._expire()
        key = (sender, message_id)
        now = self._clock()
        answered = key in self._replies and self._replies[key][0] > now
        if answered or self._claims.get(key, 0.0) > now:
            return False
        self._claims[key] = now + ttl
        return True

    async def replay_store(self, sender: str, message_id: str, replies: Replies) -> None:
        """Keep the replies for retries, and end the claim."""
        key = (sender, message_id)
        self._claims.pop(key, None)
        expires = self._clock() + self.replay_ttl
        self._replies[key] = (expires, copy.deepcopy(replies))
        self._replies.move_to_end(key)
        while len(self._replies) > MAX_KEYS:
            self._replies.popitem(last=False)
        # Dropped when its ttl ends even if nothing reads the state again (a quiet night): replies can hold a
        # complaint's read-back. The timer holds the key and deadline only, never the replies.
        asyncio.get_running_loop().call_later(self.replay_ttl, self._drop_reply, key, expires)

    async def replay_release(self, sender: str, message_id: str) -> None:
        """Give up a claim so that a retry may relay the message."""
        self._claims.pop((sender, message_id), None)

    async def replay_forget(self, sender: str) -> None:
        """Drop every stored reply and claim of the conversation."""
        for key in [key for key in self._replies if key[0] == sender]:
            del self._replies[key]
        for key in [key for key in self._claims if key[0] == sender]:
            del self._claims[key]

    async def forgotten_add(self, sender: str) -> None:
        """Remember that this conversation was forgotten."""
        self._forgotten[sender] = self._clock() + self.forgotten_ttl
        self._forgotten.move_to_end(sender)
        while len(self._forgotten) > MAX_KEYS:
            self._forgotten.popitem(last=False)

    async def forgotten_contains(self, sender: str) -> bool:
        """Whether this conversation was forgotten recently."""
        expires = self._forgotten.get(sender)
        return expires is not None and expires > self._clock()

    async def ping(self) -> bool:
        """Always answers: it is this process."""
        return True

    async def close(self) -> None:
        """Nothing to release."""

    def _drop_reply(self, key: tuple[str, str], expires: float) -> None:
        entry = self._replies.get(key)
        if entry is not None and entry[0] == expires:  # not stored again since
            del self._replies[key]

    def _expire(self) -> None:
        now = self._clock()
        while self._replies:
            key, (expires, _) = next(iter(self._replies.items()))
            if expires > now:
                break
            del self._replies[key]
        if len(self._claims) > MAX_KEYS:
            for key in [key for key, expires in self._claims.items() if expires <= now]:
                del self._claims[key]
