"""Redis only: two states on one server (two web instances) see each other's limits, replies and forgotten senders."""

import redis.asyncio as redis

from bot.web.state import Limit
from bot.web.state.redis_state import RedisState


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
