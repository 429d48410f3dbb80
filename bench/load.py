"""Chat load over loopback HTTP: per-message latency percentiles and throughput."""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from bench.scenarios import resident_headers

# What residents typically send first; the same list, in the same order, goes to both bots.
MESSAGES: tuple[str, ...] = (
    "Hello",
    "What can you do?",
    "Are you a bot?",
    "Thanks, that's helpful",
    "What's the weather going to be like in Watford tomorrow?",
    "Hi there",
    "what can you help me with",
    "am i talking to a bot",
    "thank you very much",
    "Can you recommend a good pizza place in St Albans?",
)
REQUEST_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured: latencies of the answered messages, errors and throughput."""

    conversations: int
    sent: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    throughput: float  # answered messages per second of wall-clock time


def percentile(values: Sequence[float], pct: float) -> float:
    """The pct-th percentile (0-100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {pct}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def throughput(answered: int, wall_seconds: float) -> float:
    """Answered messages per second; NaN when no time passed."""
    return answered / wall_seconds if wall_seconds > 0 else math.nan


def summarise(latencies: Sequence[float], errors: int, wall_seconds: float, conversations: int) -> LoadResult:
    """Turn raw latencies (seconds, answered messages only) into a LoadResult in milliseconds."""
    ms = [1000 * value for value in latencies]
    return LoadResult(
        conversations=conversations,
        sent=len(latencies) + errors,
        errors=errors,
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        throughput=throughput(len(latencies), wall_seconds),
    )


def split(messages: int, conversations: int) -> list[int]:
    """Share messages between conversations as evenly as possible (the first ones get the remainder)."""
    base, extra = divmod(messages, conversations)
    return [base + (1 if index < extra else 0) for index in range(conversations)]


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the bench only talks to loopback addresses, not {host}")


async def _timed_post(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> float | None:
    """One message as the resident at their own address: seconds to a 200, or None for any other outcome."""
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": message},
                                headers=resident_headers(sender)) as response:  # fmt: skip
            await response.read()
            ok = response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return None
    return time.perf_counter() - start if ok else None


async def run_load(url: str, conversations: int, messages: int) -> LoadResult:
    """Send `messages` in total over `conversations` concurrent conversations, each message after the last reply."""
    _check_loopback(url)
    latencies: list[float] = []
    errors = 0

    async def conversation(session: aiohttp.ClientSession, count: int) -> None:
        nonlocal errors
        sender = str(uuid.uuid4())
        for index in range(count):
            seconds = await _timed_post(session, url, sender, MESSAGES[index % len(MESSAGES)])
            if seconds is None:
                errors += 1
            else:
                latencies.append(seconds)

    connector = aiohttp.TCPConnector(limit=conversations)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.perf_counter()
        await asyncio.gather(*(conversation(session, count) for count in split(messages, conversations)))
        wall = time.perf_counter() - start
    return summarise(latencies, errors, wall, conversations)


async def warm_up(url: str, conversations: int) -> None:
    """A few uncounted messages: one conversation through the list, then one round at full concurrency."""
    await run_load(url, 1, len(MESSAGES))
    await run_load(url, conversations, 2 * conversations)


async def run_long(url: str, conversations: int, turns: int) -> dict[int, list[float]]:
    """Conversations of `turns` messages, one after another: latency in seconds by turn number (1-based)."""
    _check_loopback(url)
    by_turn: dict[int, list[float]] = {}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for _ in range(conversations):
            sender = str(uuid.uuid4())
            for turn in range(1, turns + 1):
                seconds = await _timed_post(session, url, sender, MESSAGES[(turn - 1) % len(MESSAGES)])
                if seconds is not None:
                    by_turn.setdefault(turn, []).append(seconds)
    return by_turn


def window_p50_ms(by_turn: dict[int, list[float]], centre: int, half_width: int = 2) -> float:
    """The median latency (ms) of the turns centre-half_width .. centre+half_width."""
    values = [1000 * v for turn in range(centre - half_width, centre + half_width + 1) for v in by_turn.get(turn, [])]
    return percentile(values, 50)

