"""In process only: replies leave the process's memory at their ttl, even when nothing reads the state again."""

import asyncio
import uuid

from bot.web.state import Limit, MemoryState, memory


async def test_a_reply_leaves_memory_at_its_ttl_without_another_request():
    state = MemoryState(replay_ttl=0.3)
    await state.replay_store("s", "m1", [{"text": "Your e-mail: ann@example.org"}])
    await state.replay_store("s", "m2", [{"text": "reply 2"}])
    await asyncio.sleep(0.5)  # a quiet night: no message, no resend, no forget
    assert "ann@example.org" not in repr(vars(state))
    assert "reply 2" not in repr(vars(state))


async def test_a_reply_stored_again_keeps_its_new_ttl():
    state = MemoryState(replay_ttl=1.0)
    await state.replay_store("s", "m1", [{"text": "first"}])
    await asyncio.sleep(0.6)
    await state.replay_store("s", "m1", [{"text": "again"}])  # the first one's timer must not drop this one
    await asyncio.sleep(0.6)  # past the first one's ttl, well within the second one's
    assert await state.replay_get("s", "m1") == [{"text": "again"}]


async def test_refused_requests_add_no_windows(clock):
    # A flooder already refused for its address sends every message as a new conversation: each refusal must
    # not leave a window behind, or memory grows with every request nobody will ever count.
    state = MemoryState(clock=clock)
    address = Limit("chat:address:203.0.113.66", 2, 60.0)
    for _ in range(2):
        assert not any(await state.hit([Limit(f"chat:sender:{uuid.uuid4()}", 5, 60.0), address]))
    before = len(state._events)
    for _ in range(1000):
        assert any(await state.hit([Limit(f"chat:sender:{uuid.uuid4()}", 5, 60.0), address]))
    assert len(state._events) == before


async def test_a_flood_of_new_keys_does_not_free_a_full_window(clock, monkeypatch):
    # Memory is bounded by dropping windows, but only those that no longer count anything: dropping a full
    # one (the oldest touched) would let its owner start again with a fresh allowance.
    monkeypatch.setattr(memory, "MAX_KEYS", 50)
    state = MemoryState(clock=clock)
    address = Limit("chat:address:203.0.113.66", 2, 60.0)
    for _ in range(2):
        await state.hit([Limit(f"chat:sender:{uuid.uuid4()}", 5, 60.0), address])
    for _ in range(200):  # refused: the flooder's address is full
        await state.hit([Limit(f"chat:sender:{uuid.uuid4()}", 5, 60.0), address])
        clock.advance(0.01)
    for n in range(20):  # and residents are answered meanwhile
        await state.hit([Limit(f"chat:sender:{uuid.uuid4()}", 5, 60.0), Limit(f"chat:address:10.0.0.{n}", 2, 60.0)])
    assert (await state.hit([Limit(f"chat:sender:{uuid.uuid4()}", 5, 60.0), address]))[1] > 0
    clock.advance(61)  # once its window is over, nothing of it needs keeping
    await state.hit([Limit("chat:sender:late", 5, 60.0), Limit("chat:address:10.0.0.99", 2, 60.0)])
    assert len(state._events) == 2
