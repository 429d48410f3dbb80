"""Health probes: ready, alive (answers, but not ready) and down (silent), for HTTP, Redis and PostgreSQL."""

import asyncio
import os
import socket

import aiohttp
import pytest
from aiohttp import web

from bot.probes import Health, HttpProbe, PostgresProbe, RedisProbe
from bot.stack import free_port
from tests.conftest import POSTGRES_URL


@pytest.fixture
async def client():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def server():
    app = web.Application()

    async def ok(request):
        return web.Response(text="ok")

    async def unwell(request):
        return web.json_response({"error": {}}, status=503)

    app.router.add_get("/ok", ok)
    app.router.add_get("/unwell", unwell)

    async def slow(request):
        await asyncio.sleep(5)
        return web.Response()

    app.router.add_get("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_http_ready_alive_and_down(client, server):
    assert await HttpProbe(f"{server}/ok").check(client, 1) is Health.READY
    assert await HttpProbe(f"{server}/unwell").check(client, 1) is Health.ALIVE  # it answered: not hung
    assert await HttpProbe(f"{server}/unwell", f"{server}/ok").check(client, 1) is Health.ALIVE
    assert await HttpProbe(f"{server}/slow").check(client, 0.3) is Health.DOWN  # silent past the timeout
    assert await HttpProbe(f"{server}/slow", f"{server}/ok").check(client, 0.3) is Health.ALIVE  # waits on others
    assert await HttpProbe(f"http://127.0.0.1:{free_port()}/").check(client, 1) is Health.DOWN  # refused


async def _tcp_server(reply: bytes):
    async def handle(reader, writer):
        await reader.readline()
        writer.write(reply)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def test_redis_ping(client):
    for reply, expected in ((b"+PONG\r\n", Health.READY), (b"-LOADING\r\n", Health.ALIVE)):
        server = await _tcp_server(reply)
        port = server.sockets[0].getsockname()[1]
        async with server:
            assert await RedisProbe("127.0.0.1", port).check(client, 1) is expected
    assert await RedisProbe("127.0.0.1", free_port()).check(client, 1) is Health.DOWN


async def test_a_silent_listener_is_down(client):
    # Accepts connections (the kernel does, as for a stopped process) and never answers.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert await RedisProbe("127.0.0.1", port).check(client, 0.3) is Health.DOWN
        assert await PostgresProbe(f"postgresql://x@127.0.0.1:{port}/x").check(client, 0.3) is Health.DOWN


async def test_postgres_refused_is_down(client):
    assert await PostgresProbe(f"postgresql://x@127.0.0.1:{free_port()}/x").check(client, 1) is Health.DOWN


async def test_postgres_ready(client):
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL too: BOT_TEST_POSTGRES_URL is not set")
        pytest.skip("needs BOT_TEST_POSTGRES_URL (.ci/run sets it)")
    assert await PostgresProbe(POSTGRES_URL).check(client, 5) is Health.READY
