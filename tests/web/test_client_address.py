"""The client's address behind proxies: X-Forwarded-For only from trusted proxies, rightmost untrusted hop."""

import ipaddress
import uuid
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings, SettingsError
from bot.web.app import create_app
from bot.web.client_address import bucket, resolve

PROXIES = ("10.0.0.0/8", "127.0.0.1/32")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # the peer is no proxy of ours: the header is ignored
        ("10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.2", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # what the client wrote on the left proves nothing
        ("10.0.0.2", ["6.6.6.6, 198.51.100.1, 10.0.0.3"], "198.51.100.1"),  # through two proxies of ours
        ("10.0.0.2", ["198.51.100.1", "10.0.0.3"], "198.51.100.1"),  # the header given twice reads as one list
        ("10.0.0.2", [], "10.0.0.2"),  # a proxy of ours asking for itself
        ("10.0.0.2", ["10.0.0.7, 10.0.0.3"], "10.0.0.7"),  # only proxies: the leftmost asked
        ("10.0.0.2", ["garbage, 198.51.100.1"], "198.51.100.1"),
        ("10.0.0.2", ["198.51.100.1, garbage"], "10.0.0.2"),  # no proxy of ours writes that: stop at the last believed
        ("10.0.0.2", ["[2001:db8::1]:443"], "2001:db8::1"),
        ("10.0.0.2", ["198.51.100.1:5555"], "198.51.100.1"),
        ("::ffff:10.0.0.2", ["198.51.100.1"], "198.51.100.1"),  # an IPv4 peer on a dual-stack socket
    ],
)
def test_resolve(peer, forwarded, expected):
    assert str(resolve(peer, forwarded, PROXIES)) == expected


def test_no_trusted_proxies_means_the_peer():
    assert str(resolve("127.0.0.1", ["198.51.100.1"], ())) == "127.0.0.1"


def test_an_ipv6_client_is_its_64():
    assert bucket(ipaddress.ip_address("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert bucket(ipaddress.ip_address("198.51.100.1")) == "198.51.100.1"
    assert bucket(None) == "unknown"


def test_settings_read_and_check_the_cidr_list():
    assert Settings.from_env({"BOT_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}).trusted_proxies == (
        "10.0.0.0/8",
        "127.0.0.1/32",
    )
    with pytest.raises(SettingsError, match="BOT_TRUSTED_PROXIES"):
        Settings.from_env({"BOT_TRUSTED_PROXIES": "10.0.0.0/8, nonsense"})


async def _limited_client(app_settings: Settings, trusted: tuple[str, ...]) -> TestClient:
    settings = replace(app_settings, trusted_proxies=trusted, chat_rate_per_address=3)
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    return client


async def _chat(client: TestClient, forwarded_for: str) -> int:
    body = {"sender": str(uuid.uuid4()), "message": "hi"}
    return (await client.post("/api/chat", json=body, headers={"X-Forwarded-For": forwarded_for})).status


async def test_behind_a_trusted_proxy_each_resident_has_their_own_limit(app_settings):
    # The test client connects from 127.0.0.1, standing in for the proxy.
    client = await _limited_client(app_settings, ("127.0.0.1/32",))
    try:
        assert [await _chat(client, "198.51.100.1") for _ in range(4)] == [200, 200, 200, 429]
        assert await _chat(client, "198.51.100.2") == 200  # another resident behind the same proxy
        assert await _chat(client, "6.6.6.6, 198.51.100.1") == 429  # a forged hop changes nothing
    finally:
        await client.close()


async def test_without_trusted_proxies_the_header_is_ignored(app_settings):
    client = await _limited_client(app_settings, ())
    try:
        statuses = [await _chat(client, f"198.51.100.{n}") for n in range(4)]
        assert statuses == [200, 200, 200, 429]  # one address, whatever the header says
    finally:
        await client.close()
