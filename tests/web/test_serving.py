"""Requests too malformed for the app to see still get the one JSON error shape from the server we run."""

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web

from bot.settings import PROJECT_ROOT
from bot.stack import free_port
from bot.web import serving
from bot.web.access_log import PrivateAccessLogger
from bot.web.app import create_app
from bot.web.headers import CSP, HSTS, SERVER


async def _wait_for(port: int, tries: int = 200) -> None:
    for _ in range(tries):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise AssertionError(f"nothing listens on {port}")


@contextlib.asynccontextmanager
async def _serving(app: web.Application, **runner_args: Any) -> AsyncIterator[int]:
    """serving.serve() on a free port while the block runs (then cancelled, as a stop does); yields the port."""
    port = free_port()
    task = asyncio.create_task(serving.serve(app, "127.0.0.1", port, **runner_args))
    try:
        await _wait_for(port)
        yield port
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


@pytest.fixture
async def served(app_settings) -> AsyncIterator[int]:
    """The app served as `python -m bot web` serves it; yields the port."""
    async with _serving(create_app(app_settings), access_log_class=PrivateAccessLogger) as port:
        yield port


async def _raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 10)  # the server closes the connection after an error
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return status_line, headers, body


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /api/chat HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\nContent-Length: 2\r\n\r\n{}",
        b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
        b"GET /staff HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n",
        b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["long-header", "content-length", "header-name", "long-url"],
)
async def test_a_request_aiohttp_cannot_parse_gets_the_json_error_shape(served, caplog, request_bytes):
    caplog.set_level(logging.DEBUG)
    status_line, headers, body = await _raw(served, request_bytes)
    status = int(status_line.split()[1])
    assert 400 <= status < 500
    assert headers["content-type"].startswith("application/json")
    assert headers["server"] == SERVER
    error = json.loads(body)["error"]
    assert error["status"] == status and error["code"] and error["message"]
    # The log says what kind of error it was, never the client's address or what they sent.
    assert "127.0.0.1" not in caplog.text and "aaaa" not in caplog.text and "abc" not in caplog.text
    # The same security headers as the app's own errors.
    assert headers["content-security-policy"] == CSP and headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"


@pytest.mark.parametrize("secure", [True, False])
async def test_a_refused_request_gets_hsts_when_the_settings_say_the_site_is_on_https(app_settings, secure):
    app = create_app(replace(app_settings, secure_cookies=secure))
    async with _serving(app) as port:
        _, headers, _ = await _raw(port, b"GET /staff HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n")
    assert headers.get("strict-transport-security") == (HSTS if secure else None)


async def test_a_good_request_is_served_as_before(served, fake_rasa):
    fake, _ = fake_rasa
    body = json.dumps({"sender": str(uuid.uuid4()), "message": "hello"}).encode()
    request = (b"POST /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    status_line, headers, reply = await _raw(served, request)
    assert status_line.split()[1] == "200" and headers["server"] == SERVER
    assert json.loads(reply)[0]["text"] == "echo: hello" and fake.received[-1]["message"] == "hello"


async def test_an_error_outside_the_app_error_handling_is_json_and_logged_with_its_traceback(caplog):
    async def broken(request):
        raise KeyError("a bug of ours")

    app = web.Application()  # no error middleware: what escapes reaches the connection handler
    app.router.add_get("/broken", broken)
    async with _serving(app) as port:
        status_line, headers, body = await _raw(port, b"GET /broken HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_line.split()[1] == "500" and headers["server"] == SERVER
    assert json.loads(body)["error"]["code"] == "internal_server_error"
    assert "a bug of ours" not in body.decode()
    [record] = [r for r in caplog.records if r.name == "bot.web.serving"]
    assert record.levelno == logging.ERROR and record.exc_info and "a bug of ours" in caplog.text


async def test_idle_connections_are_closed_as_web_run_app_closes_them(monkeypatch):
    seen = {}

    class Recording(serving.EdgeRunner):
        def __init__(self, app, **kwargs):
            seen.update(kwargs)
            super().__init__(app, **kwargs)

    monkeypatch.setattr(serving, "EdgeRunner", Recording)
    async with _serving(web.Application()):
        pass
    assert seen["keepalive_timeout"] == 75.0


SLOW_SERVER = """
import asyncio, sys
from aiohttp import web
from bot.web import serving

async def slow(request):
    print("answering", flush=True)
    await asyncio.sleep(1.5)
    return web.json_response({"done": True})

app = web.Application()
app.router.add_get("/slow", slow)
serving.run(app, "127.0.0.1", int(sys.argv[1]))
print("stopped cleanly", flush=True)
"""


async def test_a_stop_signal_lets_requests_in_hand_finish(tmp_path):
    port = free_port()
    script = tmp_path / "slow_server.py"
    script.write_text(SLOW_SERVER)
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(script), str(port), cwd=str(PROJECT_ROOT), stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        await _wait_for(port, tries=400)
        request = asyncio.create_task(_raw(port, b"GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert line.strip() == b"answering"  # the request is being answered
        process.send_signal(signal.SIGTERM)
        status_line, _, body = await request
        assert status_line.split()[1] == "200" and json.loads(body) == {"done": True}
        output, _ = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0 and b"stopped cleanly" in output
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
