"""Conversations forgotten in this process (the quick exit): their sender ids may not chat again."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class ForgottenSenders:
    """Senders whose conversation was forgotten: they may not start again (a new one gets a new id)."""

    def __init__(
        self, ttl: float = 24 * 3600.0, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._senders: OrderedDict[str, float] = OrderedDict()

    def add(self, sender: str) -> None:
        """Remember that this conversation was forgotten."""
        self._senders[sender] = self._clock()
        self._senders.move_to_end(sender)
        while len(self._senders) > self.max_entries:
            self._senders.popitem(last=False)

    def __contains__(self, sender: object) -> bool:
        added = self._senders.get(sender) if isinstance(sender, str) else None
        return added is not None and self._clock() - added < self.ttl
