"""When the supervisor restarts a service that died: exponential back-off, and a stop after repeated failures."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from bot.settings import Settings


@dataclass
class RestartPolicy:
    """Back-off doubling from `backoff_seconds` up to `max_backoff_seconds`; give up at `max_failures` in a window."""

    max_failures: int = 5
    window_seconds: float = 300.0
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> RestartPolicy:
        """The policy the settings ask for (BOT_RESTART_*)."""
        return cls(
            max_failures=settings.restart_max_failures,
            window_seconds=settings.restart_window_seconds,
            backoff_seconds=settings.restart_backoff_seconds,
            max_backoff_seconds=max(settings.restart_backoff_seconds, 30.0),
        )

    def recent(self, name: str, now: float) -> int:
        """How many failures of this service fall inside the window ending now."""
        times = self._failures.get(name, deque())
        while times and now - times[0] > self.window_seconds:
            times.popleft()
        return len(times)

    def failed(self, name: str, now: float) -> float | None:
        """Record a failure at `now`: seconds to wait before restarting, or None when it failed too often."""
        self._failures.setdefault(name, deque()).append(now)
        count = self.recent(name, now)
        if count >= self.max_failures:
            return None
        # Failures long ago no longer count, so a service that ran well for a while starts again quickly.
        return min(self.backoff_seconds * 2 ** (count - 1), self.max_backoff_seconds)
