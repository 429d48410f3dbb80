"""The replay cache over the shared state: each (sender, message id) reaches Rasa once."""

import asyncio

import pytest

from bot.web.errors import ApiError
from bot.web.replay_cache import ReplayCache
from bot.web.state import MemoryState


async def test_concurrent_attempts_in_one_process_share_one_relay():
    cache = ReplayCache(MemoryState(), claim_seconds=5)
    calls = []

    async def relay():
        calls.append(1)
        await asyncio.sleep(0.05)
        return [{"text": "hi"}]

    results = await asyncio.gather(*(cache.run("s", "m", relay) for _ in range(3)))
    assert results == [[{"text": "hi"}]] * 3 and len(calls) == 1
    assert await cache.run("s", "m", relay) == [{"text": "hi"}] and len(calls) == 1


async def test_a_claim_left_by_a_crashed_instance_frees_itself():
    state = MemoryState()
    assert await state.replay_claim("s", "m", 0.3)  # another instance claimed it, then died
    cache = ReplayCache(state, claim_seconds=2)

    async def relay():
        return [{"text": "answered here"}]

    assert await cache.run("s", "m", relay) == [{"text": "answered here"}]


async def test_a_claim_that_never_ends_is_a_503_not_a_hang():
    state = MemoryState()
    assert await state.replay_claim("s", "m", 60)
    cache = ReplayCache(state, claim_seconds=0.3)

    async def relay():
        raise AssertionError("must not run: another instance is answering")

    with pytest.raises(ApiError) as raised:
        await cache.run("s", "m", relay)
    assert raised.value.status == 503


async def test_a_failed_attempt_is_released_for_a_retry():
    cache = ReplayCache(MemoryState(), claim_seconds=5)

    async def fail():
        raise ApiError(502, "assistant_no_answer", "sorry")

    with pytest.raises(ApiError):
        await cache.run("s", "m", fail)

    async def succeed():
        return [{"text": "second time"}]

    assert await cache.run("s", "m", succeed) == [{"text": "second time"}]
