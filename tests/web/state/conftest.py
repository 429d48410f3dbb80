"""Both implementations of the shared state, for the same contract tests: in process and on a real redis-server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as redis

from bot.web.state import MemoryState, SharedState
from bot.web.state.redis_state import RedisState


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "redis"])
async def make_state(request: pytest.FixtureRequest) -> AsyncIterator[Callable[..., SharedState]]:
    """Factory of states of one implementation: `make_state(clock=None, replay_ttl=..., forgotten_ttl=...)`.

    For Redis every state made by one test shares one freshly emptied database, as web instances would.
    """
    made: list[SharedState] = []
    url = ""
    if request.param == "redis":
        url = request.getfixturevalue("redis_server")
        admin = redis.from_url(url)
        await admin.flushdb()
        await admin.aclose()

    def make(clock: Callable[[], float] | None = None, **ttls: float) -> SharedState:
        if request.param == "memory":
            state: SharedState = MemoryState(clock, **ttls) if clock else MemoryState(**ttls)
        else:
            state = RedisState(url, clock, **ttls) if clock else RedisState(url, **ttls)
        made.append(state)
        return state

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    for state in made:
        await state.close()
