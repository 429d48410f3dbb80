"""When Redis stops answering, the chat goes on without shared state (and /healthz says so), rather than stopping."""

from bot.stack import free_port
from bot.web.state import Limit
from bot.web.state.redis_state import RedisState


async def test_no_redis_fails_open():
    state = RedisState(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        assert await state.hit([Limit("k", 1, 60), Limit("j", 1, 60)]) == [0.0, 0.0]
        assert await state.hit([Limit("k", 1, 60)]) == [0.0]
        assert await state.replay_get("s", "m") is None
        assert await state.replay_claim("s", "m", 30) is True
        await state.replay_store("s", "m", [])
        await state.replay_release("s", "m")
        await state.replay_forget("s")
        await state.forgotten_add("s")
        assert await state.forgotten_contains("s") is False
        assert await state.ping() is False
    finally:
        await state.close()


async def test_no_redis_lets_requests_in():
    state = RedisState(f"redis://127.0.0.1:{free_port()}/0")
    try:
        assert await state.enter("k", 1, 30) and await state.enter("k", 1, 30)
        await state.leave("k", "whatever")
    finally:
        await state.close()
