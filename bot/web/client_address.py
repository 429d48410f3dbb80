"""Who is asking: the client's address, believing X-Forwarded-For only from trusted proxies (BOT_TRUSTED_PROXIES).

Behind a proxy every request comes from the proxy's address, so limits keyed on it would put every resident
in one bucket. Each proxy appends the address it saw to X-Forwarded-For; reading from the right, hops that
are trusted proxies are skipped and the first that is not is the client (anything further left was written
by the client and proves nothing). Without trusted proxies the header is ignored: anyone could write it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from aiohttp import web

from bot.web.keys import SETTINGS

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
CLIENT_ADDRESS = web.RequestKey("client_address", str)
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


@lru_cache(maxsize=16)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _parse(raw: str | None) -> Address | None:
    if not raw:
        return None
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # [v6]:port
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # v4:port
        raw = raw.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def resolve(peer: str | None, forwarded_for: list[str], trusted: tuple[str, ...]) -> Address | None:
    """The client's address: the peer, or the rightmost untrusted X-Forwarded-For hop when the peer is trusted."""
    networks = _networks(trusted)
    address = _parse(peer)

    def is_trusted(candidate: Address) -> bool:
        return any(candidate in network for network in networks)

    if address is None or not is_trusted(address):
        return address
    hops = [hop for header in forwarded_for for hop in header.split(",")]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            return address  # a hop no proxy of ours wrote: stop at the last one we believe
        address = parsed
        if not is_trusted(address):
            return address
    return address  # every hop is a trusted proxy: the leftmost one asked


def bucket(address: Address | None) -> str:
    """The rate-limit key of an address: an IPv6 client controls a whole /64, so the /64 is one client."""
    if address is None:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_address(request: web.Request) -> str:
    """The client's rate-limit key for this request (worked out once per request)."""
    known = request.get(CLIENT_ADDRESS)
    if known is None:
        trusted = request.app[SETTINGS].trusted_proxies
        address = resolve(request.remote, request.headers.getall("X-Forwarded-For", []), trusted)
        known = request[CLIENT_ADDRESS] = bucket(address)
    return known


def is_loopback_request(request: web.Request) -> bool:
    """True only for a request made on this machine directly, not relayed by a proxy (which may be local)."""
    address = _parse(request.remote)
    if address is None or not address.is_loopback:
        return False
    return not any(header in request.headers for header in FORWARDING_HEADERS)


def forwarded_secure(request: web.Request) -> bool:
    """Whether the request reached us over HTTPS, directly or (per a trusted proxy) at the proxy."""
    if request.secure:
        return True
    address = _parse(request.remote)
    trusted = _networks(request.app[SETTINGS].trusted_proxies)
    if address is None or not any(address in network for network in trusted):
        return False
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower()
    return proto == "https"
