"""The tracker store's memory of recent conversations: each current session as stored, valid for one version.

A hit still costs one indexed read (the conversation's version in `tracker_senders`): another Rasa replica,
the web app's forget, retention or the sweep change the version, and the entry is dropped. Entries idle for
`seconds` go, so a conversation's (redacted) events do not linger in memory; at most `size` are kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from rasa.shared.core.events import Event


@dataclass
class Cached:
    """A conversation's current session as stored; valid while the database's version is this one."""

    version: int
    events: list[Event]
    ids: list[int]
    used: float = field(default_factory=time.monotonic)


class TrackerCache:
    """Recent conversations by sender id, least recently used first (safe to use from several threads)."""

    def __init__(self, size: int, seconds: float) -> None:
        self.size, self.seconds = size, seconds
        self._entries: OrderedDict[str, Cached] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sender_id: str, version: int) -> Cached | None:
        """The entry if it is of this version (a stale one is dropped)."""
        with self._lock:
            self._expire()
            cached = self._entries.get(sender_id)
            if cached is None or cached.version != version:
                self._entries.pop(sender_id, None)
                return None
            cached.used = time.monotonic()
            self._entries.move_to_end(sender_id)
            return cached

    def put(self, sender_id: str, cached: Cached) -> None:
        """Remember a conversation (the least recently used go beyond `size`)."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[sender_id] = cached
            self._entries.move_to_end(sender_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            self._expire()

    def pop(self, sender_id: str) -> None:
        """Forget a conversation."""
        with self._lock:
            self._entries.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self) -> None:
        limit = time.monotonic() - self.seconds
        while self._entries and next(iter(self._entries.values())).used < limit:
            self._entries.popitem(last=False)
