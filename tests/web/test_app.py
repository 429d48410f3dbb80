async def test_home_page_renders(client):
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert "call 999" in html and "<h1" in html
    assert '<script src="/static/widget.js"' in html  # the demo page carries the chat widget
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_unknown_path_is_a_json_404(client):
    response = await client.get("/no/such/page")
    assert response.status == 404
    assert await response.json() == {"error": {"status": 404, "code": "not_found", "message": "Not Found"}}


async def test_wrong_method_is_a_json_405(client):
    response = await client.get("/api/chat")
    assert response.status == 405
    assert (await response.json())["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


async def test_healthz_reports_each_dependency(client):
    # The fake Rasa answers and the database is up; no action server runs in this test.
    response = await client.get("/healthz")
    assert response.status == 503
    error = (await response.json())["error"]
    assert error["code"] == "unhealthy"
    assert error["checks"] == {"database": "ok", "rasa": "ok", "actions": "down"}


async def test_oversized_body_is_a_json_413(client):
    response = await client.post("/api/chat", data=b"x" * (70 * 1024), headers={"Content-Type": "application/json"})
    assert response.status == 413
    assert (await response.json())["error"]["status"] == 413


async def test_unexpected_errors_hide_the_traceback(client, monkeypatch):
    from bot.web import chat

    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(chat, "relay", explode)
    response = await client.post("/api/chat", json={"sender": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "message": "x"})
    assert response.status == 500
    body = await response.text()
    assert "secret internals" not in body and "Traceback" not in body
    assert (await response.json())["error"]["code"] == "internal_server_error"


async def test_an_unhandled_error_is_logged_with_the_path_as_the_access_log_shows_it(app_settings, caplog):
    """A route's path can hold a conversation id (a forget's does): the log names the route, never the id."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import create_app

    async def broken(request):
        raise KeyError("boom")

    app = create_app(app_settings)
    app.router.add_get("/api/test/{sender}/broken", broken)
    sender = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    async with TestClient(TestServer(app)) as client:
        response = await client.get(f"/api/test/{sender}/broken")
    assert response.status == 500
    [record] = [r for r in caplog.records if r.name == "bot.web.errors"]
    assert record.getMessage() == "unhandled error on GET /api/test/{id}/broken"
    assert sender not in caplog.text
