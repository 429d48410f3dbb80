"""Health probes the supervisor uses: is a service ready (serving), alive (answering at all) or down (silent)?

A service that answers, even with an error, is alive: its own dependencies being down is not a reason to
restart it. Only silence (refused, reset or no answer within the timeout) counts against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import aiohttp


class Health(enum.Enum):
    """What one probe saw."""

    READY = "ready"
    ALIVE = "alive"
    DOWN = "down"


class Probe(Protocol):
    """Something that can tell how a service is."""

    async def check(self, client: aiohttp.ClientSession, timeout: float) -> Health:
        """Probe once, within `timeout` seconds."""
        ...


@dataclass(frozen=True)
class HttpProbe:
    """Ready when `ready_url` answers 200; alive when it answers at all, or else when `live_url` answers.

    `live_url` is for a service whose readiness check waits on its own dependencies (the web app's /healthz
    asks Rasa, which may hang): a service answering there is not hung itself.
    """

    ready_url: str
    live_url: str = ""

    async def check(self, client: aiohttp.ClientSession, timeout: float) -> Health:
        """GET ready_url (and live_url only when ready_url gave no answer)."""
        status = await _status(client, self.ready_url, timeout)
        if status == 200:
            return Health.READY
        if status is not None:
            return Health.ALIVE
        if self.live_url and self.live_url != self.ready_url:
            return Health.DOWN if await _status(client, self.live_url, timeout) is None else Health.ALIVE
        return Health.DOWN


async def _status(client: aiohttp.ClientSession, url: str, timeout: float) -> int | None:
    """The HTTP status of a GET, or None when nothing answered within the timeout."""
    try:
        async with client.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            await response.read()
            return response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return None


@dataclass(frozen=True)
class RedisProbe:
    """Ready when Redis answers PING with PONG."""

    host: str
    port: int

    async def check(self, client: aiohttp.ClientSession, timeout: float) -> Health:
        """Send PING over a fresh connection."""
        try:
            line = await asyncio.wait_for(self._ping(), timeout)
        except (OSError, asyncio.TimeoutError):
            return Health.DOWN
        return Health.READY if line.startswith(b"+PONG") else Health.ALIVE

    async def _ping(self) -> bytes:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(b"PING\r\n")
            await writer.drain()
            return await reader.readline()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


@dataclass(frozen=True)
class PostgresProbe:
    """Ready when PostgreSQL runs `SELECT 1`; alive when it answers, even "starting up"."""

    dsn: str

    async def check(self, client: aiohttp.ClientSession, timeout: float) -> Health:
        """Connect, query, disconnect."""
        import asyncpg  # only the scale shape supervises PostgreSQL

        try:
            conn = await asyncpg.connect(self.dsn, timeout=timeout)
        except (OSError, asyncio.TimeoutError):
            return Health.DOWN
        except asyncpg.PostgresError:
            return Health.ALIVE  # it answered: starting up, shutting down, or refusing us
        try:
            await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout)
            return Health.READY
        except (OSError, asyncio.TimeoutError, asyncpg.PostgresError):
            return Health.DOWN
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), timeout)


async def wait_for_url(url: str, timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll a URL until it answers 200; False on timeout or as soon as alive() turns false."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as client:
        while time.monotonic() < deadline:
            if not alive():
                return False
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with client.get(url) as response:
                    if response.status == 200:
                        return True
            await asyncio.sleep(0.5)
    return False
