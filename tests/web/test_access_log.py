"""The access log: no query strings (a staff search names a resident), no conversation ids, no client address."""

import logging
import uuid

from aiohttp.test_utils import TestClient, TestServer

from bot.web.access_log import PrivateAccessLogger, logged_path
from bot.web.app import create_app


def test_conversation_ids_are_replaced_in_paths():
    sender = uuid.uuid4()
    assert logged_path(f"/api/chat/{sender}/forget") == "/api/chat/{id}/forget"
    assert logged_path(f"/api/chat/{str(sender).upper()}") == "/api/chat/{id}"
    assert logged_path(f"/api/chat/{sender.hex}") == "/api/chat/{id}"
    assert logged_path("/staff/tickets") == "/staff/tickets"


async def test_the_web_app_logs_requests_without_personal_data(settings, caplog):
    sender = str(uuid.uuid4())
    server = TestServer(create_app(settings))
    await server.start_server(access_log_class=PrivateAccessLogger)  # as `python -m bot web` runs it
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        async with TestClient(server) as client:
            await client.get("/staff/tickets?q=Zebedee+Quux&status=new", allow_redirects=False)
            await client.post(f"/api/chat/{sender}/forget")
            await client.get("/healthz?email=jo@example.org")
    lines = [record.getMessage() for record in caplog.records if record.name == "aiohttp.access"]
    assert len(lines) == 3, lines
    assert lines[0].startswith("GET /staff/tickets 30")
    assert lines[1].startswith("POST /api/chat/{id}/forget 204 ")
    assert lines[2].startswith("GET /healthz ")
    text = "\n".join(lines)
    for private in ("Zebedee", "?", sender, "jo@example.org", "127.0.0.1"):
        assert private not in text


def test_the_web_command_serves_with_this_access_log(monkeypatch):
    from bot.cli import running
    from bot.settings import Settings

    seen = {}
    monkeypatch.setattr(running.serving, "run", lambda app, host, port, **kwargs: seen.update(kwargs))
    assert running._web(None, Settings()) == 0
    assert seen["access_log_class"] is PrivateAccessLogger
