"""The web app's shared state, behind one small interface: what several web instances must agree on.

Three things live here, so that any web instance can answer any request (no sticky sessions):
- rate-limit counters (`hit`): sliding windows per key, checked and recorded together (all or none);
- requests in flight (`enter`, `leave`): at most so many at once per key, each forgotten after its ttl in case
  the instance that entered dies before it leaves;
- the replay cache (`replay_*`): the replies to a message, by (sender, message id), for a retry;
- a cache of forgotten senders (`forgotten_*`), in front of the durable list (see `forgotten.py`).

Two implementations pass the same contract tests (tests/web/state/): `MemoryState` (one process, the
default) and `RedisState` (REDIS_URL). Times are seconds from the implementation's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

Replies = list[dict[str, Any]]

# How long a replayed answer, a claim on a message in flight and a forgotten sender are kept.
REPLAY_TTL = 600.0
FORGOTTEN_TTL = 24 * 3600.0


@dataclass(frozen=True)
class Limit:
    """At most `limit` events per `window` seconds for `key`."""

    key: str
    limit: int
    window: float = 60.0


class SharedState(Protocol):
    """What the web app keeps between requests; every method is safe to call from many instances at once."""

    async def hit(self, limits: list[Limit]) -> list[float]:
        """Seconds to wait for each limit (0.0: room for one more), recording the event only if all have room.

        The event is recorded under every limit when all of them have room, else under none.
        """

    async def enter(self, key: str, limit: int, ttl: float) -> str | None:
        """A ticket for one more request in flight under `key` if fewer than `limit` are, else None."""

    async def leave(self, key: str, ticket: str) -> None:
        """The request with this ticket is over."""

    async def replay_get(self, sender: str, message_id: str) -> Replies | None:
        """The stored replies of this message, if it was answered."""

    async def replay_claim(self, sender: str, message_id: str, ttl: float) -> bool:
        """Claim the message for relaying: True for the first caller until released, stored or `ttl` passes."""

    async def replay_store(self, sender: str, message_id: str, replies: Replies) -> None:
        """Keep the replies of a message for its retries, REPLAY_TTL from now whatever is stored after them."""

    async def replay_release(self, sender: str, message_id: str) -> None:
        """Give up a claim (the attempt failed), so a retry may relay the message again."""

    async def replay_forget(self, sender: str) -> None:
        """Drop every stored reply of the conversation."""

    async def forgotten_add(self, sender: str) -> None:
        """Remember that this conversation was forgotten (FORGOTTEN_TTL)."""

    async def forgotten_contains(self, sender: str) -> bool:
        """Whether this conversation was forgotten recently."""

    async def ping(self) -> bool:
        """Whether the state's store answers (for /healthz)."""

    async def close(self) -> None:
        """Release connections."""
