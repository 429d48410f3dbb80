"""A small sliding-window rate limiter, per key, kept in memory per web process."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Allow at most `limit` events per `window` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Record an event for the key and say whether it is within the limit."""
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        self._prune(now)
        return True

    def _prune(self, now: float) -> None:
        # Forget idle keys now and then, so memory stays bounded under many senders.
        if len(self._events) > 10_000:
            stale = [key for key, events in self._events.items() if not events or now - events[-1] >= self.window]
            for key in stale:
                del self._events[key]
