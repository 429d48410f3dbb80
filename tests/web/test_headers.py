"""Security headers on every response: CSP without inline script, HSTS over HTTPS, no Server version; and a
/healthz that says only ok / not ok to the public."""

import re
from dataclasses import replace
from unittest import mock

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from bot.settings import PROJECT_ROOT
from bot.web.app import create_app
from bot.web.client_address import is_loopback_request
from bot.web.keys import SETTINGS

TEMPLATES = PROJECT_ROOT / "bot" / "web" / "templates"


@pytest.mark.parametrize("path", ["/", "/staff/login", "/api/chat", "/no/such/page", "/static/widget.js", "/healthz"])
async def test_every_response_has_the_headers(client, path):
    response = await client.get(path, allow_redirects=False)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Server"] == "hpcc-assistant"
    assert "aiohttp" not in str(response.headers) and "Python" not in str(response.headers)


async def test_redirects_have_them_too(client):
    response = await client.get("/staff", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Server"] == "hpcc-assistant" and "Content-Security-Policy" in response.headers


def test_no_template_has_an_inline_script_or_handler():
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"inline <script> in {template.name}: move it to a file under static/"
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), f"a script with a body in {template.name}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"an inline event handler in {template.name}"
        assert "javascript:" not in html
        assert not re.search(r"\sstyle\s*=", html), f"an inline style in {template.name} (CSP: style-src 'self')"


async def _hsts(app_settings, **changes) -> tuple[str | None, str | None]:
    settings = replace(app_settings, **changes)
    async with TestClient(TestServer(create_app(settings))) as client:
        plain = (await client.get("/")).headers.get("Strict-Transport-Security")
        proxied = await client.get("/", headers={"X-Forwarded-Proto": "https"})
        return plain, proxied.headers.get("Strict-Transport-Security")


async def test_hsts_when_the_site_is_https(app_settings):
    assert await _hsts(app_settings, secure_cookies=True) == ("max-age=31536000", "max-age=31536000")
    # Plain http for tests: HSTS only when a trusted proxy says the request came over HTTPS.
    assert await _hsts(app_settings, secure_cookies=False) == (None, None)
    assert await _hsts(app_settings, secure_cookies=False, trusted_proxies=("127.0.0.1/32",)) == (
        None,
        "max-age=31536000",
    )


async def test_healthz_public_says_only_not_ok(client):
    # The action server is down in these tests; through a proxy, the public learns no more than that.
    response = await client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.1"})
    assert response.status == 503
    assert await response.json() == {"error": {"status": 503, "code": "unhealthy", "message": "Not ok."}}


async def test_healthz_on_loopback_names_what_is_down(client):
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["error"]["checks"] == {"database": "ok", "rasa": "ok", "actions": "down"}


async def test_healthz_ok_publicly_and_on_loopback(app_settings):
    settings = replace(app_settings, actions_port=app_settings.rasa_port)  # the fake Rasa answers /health too
    async with TestClient(TestServer(create_app(settings))) as client:
        public = await client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.1"})
        assert public.status == 200 and await public.json() == {"status": "ok"}
        local = await client.get("/healthz")
        assert await local.json() == {"status": "ok", "checks": {"database": "ok", "rasa": "ok", "actions": "ok"}}


@pytest.mark.parametrize(
    ("peer", "headers", "loopback"),
    [
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("127.0.0.1", {"X-Forwarded-For": "198.51.100.1"}, False),  # a proxy on this machine relaying the public
        ("127.0.0.1", {"Forwarded": "for=198.51.100.1"}, False),
        ("198.51.100.1", {}, False),
    ],
)
def test_what_counts_as_loopback(peer, headers, loopback):
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (peer, 1234) if name == "peername" else default
    app = web.Application()
    request = make_mocked_request("GET", "/healthz", headers=headers, transport=transport, app=app)
    request.app[SETTINGS] = None  # not read
    assert is_loopback_request(request) is loopback
