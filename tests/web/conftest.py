"""Fixtures for HTTP tests: the real app factory against a fake Rasa server and a test database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings
from bot.stack import free_port
from bot.web.app import create_app

ORIGIN = "https://site.example"


@dataclass
class FakeRasa:
    """Records what the relay sent and answers like Rasa's REST channel (and its tracker endpoint)."""

    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    answer: list[dict[str, Any]] | None = None  # None: echo the message
    delay: float = 0.0  # seconds before answering a message, like a hung action server
    tracker: dict[str, Any] = field(default_factory=dict)  # the state the tracker endpoint returns
    tracker_requests: list[dict[str, str]] = field(default_factory=list)
    tracker_delay: float = 0.0
    answered: list[dict[str, Any]] = field(default_factory=list)  # the messages it finished answering

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)  # cancelled when the relay closes the connection
        self.answered.append(body)
        if self.status != 200:
            return web.Response(status=self.status, text="boom")
        if self.answer is not None:
            return web.json_response(self.answer)
        return web.json_response([{"recipient_id": body["sender"], "text": f"echo: {body['message']}"}])

    async def tracker_state(self, request: web.Request) -> web.Response:
        self.tracker_requests.append({"sender": request.match_info["sender"], **request.query})
        if self.tracker_delay:
            await asyncio.sleep(self.tracker_delay)
        return web.json_response({"sender_id": request.match_info["sender"], **self.tracker})

    async def root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")


@pytest.fixture
async def fake_rasa() -> AsyncIterator[tuple[FakeRasa, TestServer]]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", fake.webhook)
    app.router.add_get("/conversations/{sender}/tracker", fake.tracker_state)
    app.router.add_get("/", fake.root)
    app.router.add_get("/health", fake.root)  # so that it can stand in for the action server too
    server = TestServer(app, host="127.0.0.1")  # its handlers are cancelled when a connection closes, as Sanic's are
    await server.start_server()
    yield fake, server
    await server.close()


@pytest.fixture
def app_settings(settings: Settings, fake_rasa) -> Settings:
    """The test settings, talking to the fake Rasa, with small limits and the widget's site allowed."""
    _, server = fake_rasa
    return replace(
        settings,
        rasa_port=server.port,
        actions_port=free_port(),  # nothing listens there: the action server counts as down
        chat_rate_per_minute=5,
        cors_origins=(ORIGIN,),
        rasa_token="rasa-test-token",
    )


@pytest.fixture
async def client(app_settings: Settings) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(app_settings))) as test_client:
        yield test_client
