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
    _in_a_row: dict[str, int] = field(default_factory=dict, repr=False)  # failures with no healthy run between

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

    def in_a_row(self, name: str) -> int:
        """How many of this service's last failures came without it becoming healthy in between."""
        return self._in_a_row.get(name, 0)

    def failed(self, name: str, now: float, *, was_healthy: bool = True) -> float | None:
        """Record a failure at `now`: seconds to wait before restarting, or None when it failed too often.

        `was_healthy`: whether this run of the service became healthy before it failed.
        """
        self._failures.setdefault(name, deque()).append(now)
        count = self.recent(name, now)
        # A start that never becomes healthy fails only after the startup timeout, which may be longer than the
        # window: those failures are counted until a run is healthy, else such a service is restarted for ever.
        self._in_a_row[name] = 0 if was_healthy else self.in_a_row(name) + 1
        count = max(count, self.in_a_row(name))
        if count >= self.max_failures:
            return None
        # Failures long ago no longer count, so a service that ran well for a while starts again quickly.
        return min(self.backoff_seconds * 2 ** (count - 1), self.max_backoff_seconds)
