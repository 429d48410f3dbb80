"""Fuzzing the public chat, forget, the staff sign-in form and the staff API with hypothesis: whatever arrives,
the answer is never a 500 (public JSON errors keep the one shape), and the server still answers afterwards.

Bounded and deterministic: derandomized, a fixed number of examples per endpoint, no example database.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.db.engine import unit_of_work
from bot.services import clock
from bot.services.staff import accounts, passwords
from bot.services.staff import sessions as staff_sessions
from bot.web.app import create_app
from tests.web.staff.conftest import csrf_from

FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=30),  # generous (a busy machine, PostgreSQL): only a hang should reach it
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "application/json; charset=bogus",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=zz",
        "text/plain",
        "",
        "application/json;;;charset",
        "*/*; q=0.1",
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=200) | st.text(max_size=60)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)  # what a client can send
CHAT_BODIES = st.one_of(
    st.binary(max_size=400),
    JSON.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"sender": st.uuids().map(str) | TEXT, "message": TEXT},
        optional={"message_id": TEXT | st.integers(), "metadata": JSON},
    ).map(lambda value: json.dumps(value).encode()),
    st.builds(
        lambda deep: ("[" * deep + "]" * deep).encode(), st.integers(min_value=1, max_value=30_000)
    ),
)


@pytest.fixture
async def fuzz_client(app_settings, monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    loose = replace(app_settings, chat_rate_per_minute=100_000, chat_rate_per_address=100_000,
                    chat_rate_global=100_000, secure_cookies=False)
    async with TestClient(TestServer(create_app(loose))) as client:
        yield client


async def fuzz(drive: Callable[..., Awaitable[None]], **strategies: st.SearchStrategy) -> None:
    """Run `drive(**example)` on this event loop for each example hypothesis draws (hypothesis runs in a thread:
    it cannot drive async tests itself)."""
    loop = asyncio.get_running_loop()

    @FUZZ
    @given(**strategies)
    def example(**values: object) -> None:
        asyncio.run_coroutine_threadsafe(drive(**values), loop).result(timeout=60)

    await asyncio.to_thread(example)


async def _never_a_500(response, public: bool = True) -> None:
    assert response.status < 500, (response.status, await response.text())
    if public and response.status >= 400:
        error = (await response.json())["error"]
        assert error["status"] == response.status and error["code"] and error["message"]


async def _still_answers(client) -> None:
    response = await client.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": "hello"})
    assert response.status == 200


async def test_fuzz_chat(fuzz_client):
    async def drive(body: bytes, content_type: str) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        await _never_a_500(await fuzz_client.post("/api/chat", data=body, headers=headers))

    await fuzz(drive, body=CHAT_BODIES, content_type=CONTENT_TYPES)
    await _still_answers(fuzz_client)


async def test_fuzz_forget(fuzz_client):
    async def drive(sender: str, method: str, body: bytes, content_type: str) -> None:
        quoted = urllib.parse.quote(sender, safe="")
        path = f"/api/chat/{quoted}/forget" if method == "POST" else f"/api/chat/{quoted}"
        headers = {"Content-Type": content_type} if content_type else {}
        await _never_a_500(await fuzz_client.request(method, path, data=body, headers=headers))

    await fuzz(
        drive,
        sender=st.uuids().map(str) | TEXT.filter(bool),
        method=st.sampled_from(["POST", "DELETE"]),
        body=st.binary(max_size=200),
        content_type=CONTENT_TYPES,
    )
    await _still_answers(fuzz_client)


async def test_fuzz_staff_login(fuzz_client, sessions):
    async with unit_of_work(sessions) as session:
        await accounts.add(session, "fuzz@herts-pcc.example", "officer", "a long enough fuzz password")
    page = await fuzz_client.get("/staff/login")  # the sign-in form's double-submit cookie
    token = csrf_from(await page.text())

    async def drive(fields: dict[str, str], raw: bytes | None, content_type: str, with_token: bool) -> None:
        if with_token:  # past the CSRF check, into the password check
            fields = {**fields, "csrf_token": token}
        if raw is None:  # a well-formed form of any fields and values
            form = urllib.parse.urlencode(fields).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            response = await fuzz_client.post("/staff/login", data=form, headers=headers, allow_redirects=False)
        else:
            headers = {"Content-Type": content_type} if content_type else {}
            response = await fuzz_client.post("/staff/login", data=raw, headers=headers, allow_redirects=False)
        await _never_a_500(response, public=False)  # the dashboard answers browsers with pages

    await fuzz(
        drive,
        fields=st.dictionaries(
            st.sampled_from(["email", "password", "csrf_token", "next"]) | st.text(max_size=10), TEXT, max_size=5
        ),
        raw=st.none() | st.binary(max_size=300),
        content_type=CONTENT_TYPES,
        with_token=st.booleans(),
    )
    assert (await fuzz_client.get("/staff/login")).status == 200


async def test_fuzz_staff_api(fuzz_client, sessions):
    async with unit_of_work(sessions) as session:
        user = await accounts.add(session, "api@herts-pcc.example", "supervisor", "a long enough fuzz password")
        token = await staff_sessions.create_api_token(session, user, clock.now(), actor="test")
    good = {"Authorization": f"Bearer {token}"}

    async def drive(method: str, path: str, query: dict[str, str], body: bytes, content_type: str,
                    authorization: str | None) -> None:
        headers = {**good, "Content-Type": content_type} if content_type else dict(good)
        if authorization is not None:
            headers["Authorization"] = authorization
        response = await fuzz_client.request(method, path, params=query, data=body, headers=headers)
        await _never_a_500(response)

    await fuzz(
        drive,
        method=st.sampled_from(["GET", "PATCH", "POST", "DELETE"]),
        path=st.sampled_from(["/api/tickets", "/api/tickets/CRT-2026-00001", "/api/staff/me"])
        | TEXT.map(lambda text: "/api/tickets/" + urllib.parse.quote(text, safe="")),
        query=st.dictionaries(
            st.sampled_from(["status", "category", "flag", "mine", "overdue", "q", "page"]), TEXT, max_size=3
        ),
        body=CHAT_BODIES,
        content_type=CONTENT_TYPES,
        authorization=st.just(None) | HEADER_TEXT.map(lambda text: f"Bearer {text}") | HEADER_TEXT,
    )
    assert (await fuzz_client.get("/api/staff/me", headers=good)).status == 200
