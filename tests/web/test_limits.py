"""Rate limits: per conversation, per client address, a global ceiling with Retry-After, and forget never starved."""

import asyncio
import uuid
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app


@pytest.fixture
async def limited(app_settings):
    """A client behind a trusted proxy (the test client's 127.0.0.1), with small limits."""
    settings = replace(
        app_settings, trusted_proxies=("127.0.0.1/32",), chat_rate_per_minute=3, chat_rate_per_address=4,
        chat_rate_global=6,
    )
    async with TestClient(TestServer(create_app(settings))) as client:
        yield client


async def _chat(client, address, sender=None):
    body = {"sender": sender or str(uuid.uuid4()), "message": "hi"}
    return await client.post("/api/chat", json=body, headers={"X-Forwarded-For": address})


async def test_a_refusal_says_when_to_come_back(limited):
    sender = str(uuid.uuid4())
    for _ in range(3):
        assert (await _chat(limited, "198.51.100.1", sender)).status == 200
    refused = await _chat(limited, "198.51.100.1", sender)
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    error = (await refused.json())["error"]
    assert error["code"] == "too_many_requests" and "wait a moment" in error["message"]


async def test_the_global_ceiling_sheds_load_politely(limited):
    statuses = [(await _chat(limited, f"198.51.100.{n}")).status for n in range(6)]
    assert statuses == [200] * 6
    refused = await _chat(limited, "198.51.100.99")
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    message = (await refused.json())["error"]["message"]
    assert "very busy" in message and "999" in message


async def test_a_flooder_refused_by_its_own_limit_leaves_the_ceiling_to_others(limited):
    flood = [(await _chat(limited, "203.0.113.66")).status for _ in range(20)]
    assert flood == [200] * 4 + [429] * 16
    others = [(await _chat(limited, f"198.51.100.{n}")).status for n in range(2)]
    assert others == [200, 200]  # 4 + 2 = the ceiling of 6: the 16 refused used none of it


async def test_forget_is_never_starved_by_chat(limited):
    for n in range(10):  # the flooder's address and the global ceiling are both full
        await _chat(limited, f"203.0.113.{n % 2}")
    assert (await _chat(limited, "198.51.100.7")).status == 429
    for address in ["203.0.113.0", "198.51.100.7"]:
        response = await limited.post(f"/api/chat/{uuid.uuid4()}/forget", headers={"X-Forwarded-For": address})
        assert response.status == 204


async def test_forget_has_its_own_limit_per_address(limited):
    statuses = [
        (await limited.delete(f"/api/chat/{uuid.uuid4()}", headers={"X-Forwarded-For": "203.0.113.5"})).status
        for _ in range(5)
    ]
    assert statuses == [204] * 4 + [429]


async def test_one_address_has_only_so_many_messages_answered_at_once(app_settings, fake_rasa):
    fake, _ = fake_rasa
    fake.delay = 0.5
    settings = replace(app_settings, trusted_proxies=("127.0.0.1/32",), chat_in_flight_per_address=2)
    async with TestClient(TestServer(create_app(settings))) as client:
        flood = await asyncio.gather(*(_chat(client, "203.0.113.66") for _ in range(5)))
        assert sorted(response.status for response in flood) == [200, 200, 429, 429, 429]
        refused = next(response for response in flood if response.status == 429)
        assert refused.headers["Retry-After"] == "1"
        resident = await _chat(client, "198.51.100.1")  # another address is not held up
        assert resident.status == 200
        assert (await _chat(client, "203.0.113.66")).status == 200  # the places are given back


async def test_a_turn_still_awaited_after_its_timeout_keeps_its_address_place(app_settings, fake_rasa):
    # A message with an id that Rasa is slow to answer is still awaited after the resident got the apology (for
    # a resend to find): Rasa is still answering it, so it still takes one of the address's places. Otherwise
    # one address could keep far more turns than its places in Rasa's queue, behind which everyone waits.
    fake, _ = fake_rasa
    fake.delay = 3.0  # slower than the 1.6 s a resident waits, quicker than the 4 s the turn is awaited for
    settings = replace(
        app_settings, trusted_proxies=("127.0.0.1/32",), chat_in_flight_per_address=2, rasa_timeout_seconds=2,
        chat_rate_per_minute=30,
    )

    async def chat(address):
        body = {"sender": str(uuid.uuid4()), "message": "hi", "message_id": uuid.uuid4().hex}
        return await client.post("/api/chat", json=body, headers={"X-Forwarded-For": address})

    async with TestClient(TestServer(create_app(settings))) as client:
        first = await asyncio.gather(*(chat("203.0.113.66") for _ in range(2)))
        assert [response.status for response in first] == [504, 504]
        fake.delay = 0
        assert (await chat("203.0.113.66")).status == 429  # both its turns are still with Rasa
        assert (await chat("198.51.100.1")).status == 200  # nobody else is held back
        assert len(fake.received) == 3
        await asyncio.sleep(1.6)  # the late turns are answered (3 s after they were sent)
        assert (await chat("203.0.113.66")).status == 200
