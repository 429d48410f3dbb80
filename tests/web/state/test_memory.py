"""In process only: replies leave the process's memory at their ttl, even when nothing reads the state again."""

import asyncio

from bot.web.state import MemoryState


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
