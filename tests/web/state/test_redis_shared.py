"""Redis only: two states on one server (two web instances) see each other's limits, replies and forgotten senders."""

import asyncio

import redis.asyncio as redis

from bot.web.state import Limit
from bot.web.state.redis_state import RedisState
from tests.redis_contents import redis_contents


async def test_two_instances_share_everything(redis_server):
    admin = redis.from_url(redis_server)
    await admin.flushdb()
    await admin.aclose()
    first, second = RedisState(redis_server), RedisState(redis_server)
    try:
        limit = Limit("shared", 3, 60)
        assert [await first.hit([limit]), await second.hit([limit]), await first.hit([limit])] == [[0.0]] * 3
        assert (await second.hit([limit]))[0] > 0
        assert await first.replay_claim("s", "m", 30) is True
        assert await second.replay_claim("s", "m", 30) is False
        await first.replay_store("s", "m", [{"text": "hi"}])
        assert await second.replay_get("s", "m") == [{"text": "hi"}]
        await second.forgotten_add("s")
        assert await first.forgotten_contains("s") is True
    finally:
        await first.close()
        await second.close()


async def _emptied(url: str) -> None:
    admin = redis.from_url(url)
    await admin.flushdb()
    await admin.aclose()


async def test_a_reply_leaves_redis_at_its_ttl_while_the_conversation_goes_on(redis_server):
    await _emptied(redis_server)
    state = RedisState(redis_server, replay_ttl=2.0)
    try:
        await state.replay_store("s", "m1", [{"text": "Your e-mail: ann@example.org"}])
        for n in (2, 3, 4):  # more replies, the last after m1's 2 s are over: none extends it
            await asyncio.sleep(1.5 if n > 2 else 0.5)
            await state.replay_store("s", f"m{n}", [{"text": f"reply {n}"}])
        await asyncio.sleep(0.2)  # m1 is 2.7 s old, m4 0.2 s
        contents = await redis_contents(redis_server)
        assert b"ann@example.org" not in contents
        assert b"reply 4" in contents
    finally:
        await state.close()


async def test_forget_leaves_no_reply_in_redis(redis_server):
    await _emptied(redis_server)
    state = RedisState(redis_server)
    try:
        for n in (1, 2, 3):
            await state.replay_store("s", f"m{n}", [{"text": f"Your phone: 0770090012{n}"}])
        await state.replay_store("other", "m1", [{"text": "kept"}])
        await state.replay_forget("s")
        contents = await redis_contents(redis_server)
        assert b"Your phone" not in contents
        assert b"kept" in contents
        assert await state.replay_claim("s", "m1", 30) is True  # nothing answers a resend of it any more
    finally:
        await state.close()
