"""The shared state's contract: the in-process and the Redis implementations behave the same."""

import asyncio

import pytest

from bot.web.state import Limit


async def test_a_limit_allows_its_count_then_says_how_long_to_wait(make_state, clock):
    state = make_state(clock)
    limit = Limit("k", 2, 60)
    assert await state.hit([limit]) == [0.0]
    clock.advance(10)
    assert await state.hit([limit]) == [0.0]
    clock.advance(10)
    [wait] = await state.hit([limit])
    assert wait == pytest.approx(40, abs=0.01)  # the first event leaves the window 60 s after it came
    clock.advance(39.9)
    assert (await state.hit([limit]))[0] > 0
    clock.advance(0.1)
    assert await state.hit([limit]) == [0.0]


async def test_all_or_nothing_over_several_limits(make_state, clock):
    state = make_state(clock)
    small, large = Limit("small", 2, 60), Limit("large", 5, 60)
    for _ in range(2):
        assert await state.hit([small, large]) == [0.0, 0.0]
    waits = await state.hit([small, large])
    assert waits[0] > 0 and waits[1] == 0.0
    # The refused event was counted under neither: "large" still has room for exactly three.
    assert [await state.hit([large]) for _ in range(4)] == [[0.0], [0.0], [0.0], [pytest.approx(60, abs=0.01)]]


async def test_keys_and_windows_are_independent(make_state, clock):
    state = make_state(clock)
    assert await state.hit([Limit("a", 1, 60)]) == [0.0]
    assert (await state.hit([Limit("a", 1, 60)]))[0] > 0
    assert await state.hit([Limit("b", 1, 60)]) == [0.0]
    assert await state.hit([]) == []


async def test_many_at_once_never_overshoot_a_limit(make_state):
    state = make_state()
    results = await asyncio.gather(*(state.hit([Limit("race", 10, 60)]) for _ in range(50)))
    assert sum(1 for [wait] in results if wait == 0.0) == 10


async def test_replay_claim_store_get_release(make_state):
    state = make_state()
    replies = [{"recipient_id": "s", "text": "Hello, “friend” — 999", "buttons": [{"title": "t", "payload": "/x"}]}]
    assert await state.replay_get("s", "m1") is None
    assert await state.replay_claim("s", "m1", 30) is True
    assert await state.replay_claim("s", "m1", 30) is False  # someone is answering it
    await state.replay_release("s", "m1")
    assert await state.replay_claim("s", "m1", 30) is True  # the failed attempt may be retried
    await state.replay_store("s", "m1", replies)
    assert await state.replay_get("s", "m1") == replies
    assert await state.replay_claim("s", "m1", 30) is False  # answered already: the retry gets the replies
    assert await state.replay_get("s", "m2") is None


async def test_replay_forget_drops_only_that_conversation(make_state):
    state = make_state()
    await state.replay_store("s", "m1", [{"text": "a"}])
    await state.replay_store("s", "m2", [{"text": "b"}])
    await state.replay_store("other", "m1", [{"text": "c"}])
    await state.replay_forget("s")
    assert await state.replay_get("s", "m1") is None and await state.replay_get("s", "m2") is None
    assert await state.replay_get("other", "m1") == [{"text": "c"}]


async def test_forgotten_senders(make_state):
    state = make_state()
    assert await state.forgotten_contains("s") is False
    await state.forgotten_add("s")
    assert await state.forgotten_contains("s") is True
    assert await state.forgotten_contains("other") is False


async def test_entries_expire(make_state):
    # Real time and short lives: Redis expires keys on its own clock.
    state = make_state(replay_ttl=0.5, forgotten_ttl=0.5)
    await state.replay_store("s", "m1", [{"text": "a"}])
    await state.forgotten_add("s")
    assert await state.replay_claim("s", "claimed", 0.5) is True
    await asyncio.sleep(0.8)
    assert await state.replay_get("s", "m1") is None
    assert await state.forgotten_contains("s") is False
    assert await state.replay_claim("s", "claimed", 0.5) is True  # an abandoned claim frees itself


async def test_each_reply_expires_its_ttl_after_it_was_stored(make_state):
    # The complaint's read-back must not stay because the resident kept chatting (each store is a later message).
    state = make_state(replay_ttl=1.0)
    await state.replay_store("s", "m1", [{"text": "Your name: Ann Smith"}])
    for n in (2, 3, 4):
        await asyncio.sleep(0.4)
        await state.replay_store("s", f"m{n}", [{"text": f"reply {n}"}])
    await asyncio.sleep(0.1)  # m1 is now 1.3 s old, m4 0.1 s
    assert await state.replay_get("s", "m1") is None
    assert await state.replay_claim("s", "m1", 30) is True  # not answered any more: a resend is a new message
    assert await state.replay_get("s", "m4") == [{"text": "reply 4"}]


async def test_ping(make_state):
    assert await make_state().ping() is True


async def test_requests_in_flight(make_state, clock):
    state = make_state(clock)
    first, second = await state.enter("a", 2, 30), await state.enter("a", 2, 30)
    assert first and second and first != second
    assert await state.enter("a", 2, 30) is None  # two in flight already
    assert await state.enter("b", 2, 30)  # another key has its own room
    await state.leave("a", first)
    third = await state.enter("a", 2, 30)
    assert third
    clock.advance(31)  # an instance died without leaving: its tickets expire
    assert await state.enter("a", 2, 30) and await state.enter("a", 2, 30)
    assert await state.enter("a", 2, 30) is None
