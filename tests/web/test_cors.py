"""CORS on every response to the widget's origin, errors included, so the widget can read what went wrong."""

import uuid

import pytest

from tests.web.conftest import ORIGIN

SENDER = "3f1c5a9e-2b7d-4c11-9e0a-6d8b2f4a7c35"  # fixed: it names a test, and every worker must collect the same
HEADERS = {"Origin": ORIGIN}


def _readable(response) -> bool:
    return (
        response.headers.get("Access-Control-Allow-Origin") == ORIGIN
        and "Retry-After" in response.headers.get("Access-Control-Expose-Headers", "")
        and "Origin" in response.headers.get("Vary", "")
    )


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/api/chat", {"json": {"sender": SENDER, "message": "hi"}}, 200),
        ("POST", "/api/chat", {"json": {"sender": "bob", "message": "hi"}}, 400),
        ("POST", "/api/chat", {"data": b"{nope", "headers": {"Content-Type": "application/json"}}, 400),
        ("POST", "/api/chat", {"data": "hi", "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", "/api/chat", {"data": b"x" * (70 * 1024), "headers": {"Content-Type": "application/json"}}, 413),
        ("GET", "/api/chat", {}, 405),
        ("GET", "/no/such/page", {}, 404),
        ("DELETE", f"/api/chat/{SENDER}", {}, 204),
        ("POST", "/api/chat/bob/forget", {}, 400),
        ("GET", "/static/widget.js", {}, 200),
    ],
)
async def test_every_response_is_readable_by_the_widget(client, method, path, kwargs, status):
    kwargs = dict(kwargs)  # the parameters are shared by every backend's run
    headers = {**HEADERS, **kwargs.pop("headers", {})}
    response = await client.request(method, path, headers=headers, **kwargs)
    assert response.status == status
    assert _readable(response)


async def test_429_410_and_5xx_are_readable(client, fake_rasa):
    fake, server = fake_rasa
    for _ in range(5):
        await client.post("/api/chat", json={"sender": SENDER, "message": "hi"}, headers=HEADERS)
    limited = await client.post("/api/chat", json={"sender": SENDER, "message": "hi"}, headers=HEADERS)
    assert limited.status == 429 and _readable(limited) and limited.headers["Retry-After"]

    other = str(uuid.uuid4())
    await client.delete(f"/api/chat/{other}", headers=HEADERS)
    ended = await client.post("/api/chat", json={"sender": other, "message": "hi"}, headers=HEADERS)
    assert ended.status == 410 and _readable(ended)

    fake.answer = []
    empty = await client.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": "hi"}, headers=HEADERS)
    assert empty.status == 502 and _readable(empty)
    await server.close()
    down = await client.post("/api/chat", json={"sender": str(uuid.uuid4()), "message": "hi"}, headers=HEADERS)
    assert down.status == 503 and _readable(down)


async def test_an_unexpected_error_is_readable(client, monkeypatch):
    from bot.web import chat

    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(chat, "relay", explode)
    response = await client.post("/api/chat", json={"sender": SENDER, "message": "x"}, headers=HEADERS)
    assert response.status == 500 and _readable(response)
    assert "secret internals" not in await response.text()


async def test_preflight_allows_the_widget_and_exposes_retry_after(client):
    response = await client.options(
        f"/api/chat/{SENDER}/forget",
        headers={**HEADERS, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert response.status == 204
    assert _readable(response)
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"


async def test_other_origins_get_nothing(client):
    evil = {"Origin": "https://evil.example"}
    for response in [
        await client.post("/api/chat", json={"sender": "bob"}, headers=evil),
        await client.options("/api/chat", headers={**evil, "Access-Control-Request-Method": "POST"}),
    ]:
        assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/staff/me"), ("GET", "/staff/login"), ("GET", "/staff")])
async def test_staff_routes_are_never_for_other_sites(client, method, path):
    response = await client.request(method, path, headers=HEADERS, allow_redirects=False)
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = await client.options(path, headers={**HEADERS, "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
