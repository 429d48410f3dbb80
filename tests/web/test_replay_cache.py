"""The replay cache over the shared state: each (sender, message id) reaches Rasa once."""

import asyncio

import pytest

from bot.web import replay_cache
from bot.web.errors import ApiError
from bot.web.replay_cache import ReplayCache
from bot.web.state import MemoryState

PATIENCE = 5.0


async def test_concurrent_attempts_in_one_process_share_one_relay():
    cache = ReplayCache(MemoryState(), claim_seconds=5)
    calls = []

    async def relay():
        calls.append(1)
        await asyncio.sleep(0.05)
        return [{"text": "hi"}]

    results = await asyncio.gather(*(cache.run("s", "m", relay, PATIENCE) for _ in range(3)))
    assert results == [[{"text": "hi"}]] * 3 and len(calls) == 1
    assert await cache.run("s", "m", relay, PATIENCE) == [{"text": "hi"}] and len(calls) == 1


async def test_a_claim_left_by_a_crashed_instance_frees_itself():
    state = MemoryState()
    assert await state.replay_claim("s", "m", 0.3)  # another instance claimed it, then died
    cache = ReplayCache(state, claim_seconds=2)

    async def relay():
        return [{"text": "answered here"}]

    assert await cache.run("s", "m", relay, PATIENCE) == [{"text": "answered here"}]


async def test_waiting_for_another_instance_gives_up_after_the_patience():
    state = MemoryState()
    assert await state.replay_claim("s", "m", 60)  # another instance is answering it and stays silent
    cache = ReplayCache(state, claim_seconds=60)

    async def relay():
        raise AssertionError("must not run: another instance is answering")

    # Waiting on past the patience would end only when the claim frees itself, 60 s on: then the relay runs
    # here and its AssertionError, not a timeout, comes out.
    with pytest.raises(asyncio.TimeoutError):
        await cache.run("s", "m", relay, 0.3)
    assert await state.replay_claim("s", "m", 60) is False  # the other instance's claim stands, untouched
    assert await state.replay_get("s", "m") is None


async def test_a_failed_attempt_is_released_for_a_retry():
    cache = ReplayCache(MemoryState(), claim_seconds=5)

    async def fail():
        raise ApiError(502, "assistant_no_answer", "sorry")

    with pytest.raises(ApiError):
        await cache.run("s", "m", fail, PATIENCE)

    async def succeed():
        return [{"text": "second time"}]

    assert await cache.run("s", "m", succeed, PATIENCE) == [{"text": "second time"}]


async def test_an_attempt_past_the_patience_goes_on_and_its_answer_is_the_resends():
    state = MemoryState()
    cache = ReplayCache(state, claim_seconds=5)
    calls = []

    async def slow():
        calls.append(1)
        await asyncio.sleep(0.5)
        return [{"text": "late but whole"}]

    with pytest.raises(asyncio.TimeoutError):
        await cache.run("s", "m", slow, 0.1)
    # Resent while the first is still going on: it joins it, and Rasa is not asked again.
    assert await cache.run("s", "m", slow, PATIENCE) == [{"text": "late but whole"}]
    assert await state.replay_get("s", "m") == [{"text": "late but whole"}]
    assert len(calls) == 1


async def test_a_late_answer_is_kept_only_when_the_conversation_is_still_wanted():
    state = MemoryState()
    asked = []

    async def forgotten(sender: str) -> bool:
        asked.append(sender)
        return False

    cache = ReplayCache(state, claim_seconds=5, keep_late=forgotten)

    async def slow():
        await asyncio.sleep(0.3)
        return [{"text": "your name is Robin"}]

    with pytest.raises(asyncio.TimeoutError):
        await cache.run("s", "m", slow, 0.05)
    await asyncio.sleep(0.5)
    assert asked == ["s"]
    assert await state.replay_get("s", "m") is None
    # Not stored, and the claim is given up: a resend is relayed afresh (and would meet the 410 first).
    assert await state.replay_claim("s", "m", 5)


async def test_an_answer_in_time_is_kept_without_asking(monkeypatch):
    async def never(sender: str) -> bool:
        raise AssertionError("only a late answer is checked here; the chat view checks the others")

    cache = ReplayCache(MemoryState(), claim_seconds=5, keep_late=never)

    async def quick():
        return [{"text": "hi"}]

    assert await cache.run("s", "m", quick, PATIENCE) == [{"text": "hi"}]


async def test_attempts_going_on_late_are_bounded(monkeypatch):
    monkeypatch.setattr(replay_cache, "MAX_LATE", 2)
    cache = ReplayCache(MemoryState(), claim_seconds=5)
    cancelled = []

    async def hung():
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(1)
            raise
        return []

    for index in range(4):
        with pytest.raises(asyncio.TimeoutError):
            await cache.run("s", f"m{index}", hung, 0.05)
    await asyncio.sleep(0.05)
    assert len(cancelled) == 2  # the third and fourth were given up at once, as without a message id
    await cache.close()
    assert len(cancelled) == 4  # and the app stopping cancels the rest


async def test_a_resend_waiting_on_an_attempt_that_is_given_up_gets_a_timeout_not_a_cancellation(monkeypatch):
    monkeypatch.setattr(replay_cache, "MAX_LATE", 0)  # every attempt past its patience is given up at once
    cache = ReplayCache(MemoryState(), claim_seconds=5)

    async def hung():
        await asyncio.sleep(30)
        return []

    first = asyncio.ensure_future(cache.run("s", "m", hung, 0.2))
    await asyncio.sleep(0.05)
    resend = asyncio.ensure_future(cache.run("s", "m", hung, PATIENCE))  # joins the first
    with pytest.raises(asyncio.TimeoutError):
        await first
    with pytest.raises(asyncio.TimeoutError):  # the apology follows, rather than a dropped connection
        await resend


async def test_replies_saying_nothing_was_kept_drop_the_earlier_cached_replies():
    state = MemoryState()
    cache = ReplayCache(state, claim_seconds=5, clears=lambda replies: replies[0]["text"] == "nothing kept")
    read_back = [{"text": "- Your name: Zebedee Quux"}]

    async def answer(replies):
        return replies

    assert await cache.run("s", "m1", lambda: answer(read_back), PATIENCE) == read_back
    assert await cache.run("other", "m1", lambda: answer(read_back), PATIENCE) == read_back
    assert await cache.run("s", "m2", lambda: answer([{"text": "nothing kept"}]), PATIENCE)
    assert await state.replay_get("s", "m1") is None
    assert await state.replay_get("s", "m2") == [{"text": "nothing kept"}]
    assert await state.replay_get("other", "m1") == read_back  # another conversation keeps its own
