"""Fixtures for HTTP tests: the real app factory against a fake Rasa server and a test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings
from bot.stack import free_port
from bot.web.app import create_app


@dataclass
class FakeRasa:
    """Records what the relay sent and answers like Rasa's REST channel."""

    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.status != 200:
            return web.Response(status=self.status, text="boom")
        return web.json_response([{"recipient_id": body["sender"], "text": f"echo: {body['message']}"}])

    async def root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")


@pytest.fixture
async def fake_rasa() -> AsyncIterator[tuple[FakeRasa, TestServer]]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", fake.webhook)
    app.router.add_get("/", fake.root)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield fake, server
    await server.close()


@pytest.fixture
async def client(settings: Settings, fake_rasa) -> AsyncIterator[TestClient]:
    _, server = fake_rasa
    app_settings = replace(
        settings,
        rasa_port=server.port,
        actions_port=free_port(),  # nothing listens there: the action server counts as down
        chat_rate_per_minute=5,
        cors_origins=("https://site.example",),
    )
    async with TestClient(TestServer(create_app(app_settings))) as test_client:
        yield test_client
