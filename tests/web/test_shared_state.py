"""Two web app instances sharing Redis (REDIS_URL): any instance can answer any request, no sticky sessions."""

import asyncio
import uuid
from dataclasses import replace

import pytest
import redis.asyncio as redis
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app
from tests.redis_contents import redis_contents


@pytest.fixture
async def two_instances(app_settings, redis_server):
    admin = redis.from_url(redis_server)
    await admin.flushdb()
    await admin.aclose()
    settings = replace(app_settings, redis_url=redis_server)
    first, second = TestClient(TestServer(create_app(settings))), TestClient(TestServer(create_app(settings)))
    await first.start_server()
    await second.start_server()
    yield first, second
    await first.close()
    await second.close()


async def test_a_retry_on_the_other_instance_is_answered_from_the_first(two_instances, fake_rasa):
    fake, _ = fake_rasa
    first, second = two_instances
    body = {"sender": str(uuid.uuid4()), "message": "hello", "message_id": "m-1"}
    answered = await (await first.post("/api/chat", json=body)).json()
    assert await (await second.post("/api/chat", json=body)).json() == answered
    assert len(fake.received) == 1


async def test_a_retry_while_the_first_is_still_running_waits_for_it(two_instances, fake_rasa):
    fake, _ = fake_rasa
    fake.delay = 1.0
    first, second = two_instances
    body = {"sender": str(uuid.uuid4()), "message": "hello", "message_id": "m-1"}
    slow = asyncio.ensure_future(first.post("/api/chat", json=body))
    for _ in range(500):  # until the first has reached Rasa: it claimed the message before relaying it
        if fake.received:
            break
        await asyncio.sleep(0.01)
    assert len(fake.received) == 1, "the first message never reached Rasa"
    retry = await second.post("/api/chat", json=body)
    original = await slow
    assert retry.status == original.status == 200
    assert await retry.json() == await original.json()
    assert len(fake.received) == 1


async def test_forget_on_one_instance_deletes_the_replies_the_other_kept(two_instances, fake_rasa, redis_server):
    first, second = two_instances
    sender = str(uuid.uuid4())
    for n in (1, 2):
        body = {"sender": sender, "message": f"my phone is 0770090012{n}", "message_id": f"m-{n}"}
        assert (await first.post("/api/chat", json=body)).status == 200
    assert b"0770090012" in await redis_contents(redis_server)  # the fake Rasa echoes the message
    assert (await second.delete(f"/api/chat/{sender}")).status == 204
    assert b"0770090012" not in await redis_contents(redis_server)


async def test_limits_are_counted_across_instances(two_instances):
    first, second = two_instances
    sender = str(uuid.uuid4())
    statuses = [
        (await (first if n % 2 else second).post("/api/chat", json={"sender": sender, "message": "hi"})).status
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]  # 5 a minute per conversation, whichever instance answers


async def test_forgotten_on_one_instance_is_forgotten_on_the_other(two_instances, fake_rasa):
    fake, _ = fake_rasa
    first, second = two_instances
    sender = str(uuid.uuid4())
    assert (await first.post("/api/chat", json={"sender": sender, "message": "hi"})).status == 200
    assert (await second.delete(f"/api/chat/{sender}")).status == 204
    response = await first.post("/api/chat", json={"sender": sender, "message": "hi again"})
    assert response.status == 410
    assert [body["message"] for body in fake.received] == ["hi"]


async def test_healthz_checks_redis(two_instances):
    first, _ = two_instances
    body = await (await first.get("/healthz")).json()
    assert body["error"]["checks"]["redis"] == "ok"
