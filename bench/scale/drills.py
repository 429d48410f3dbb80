"""The first three drills: replicas in turn, PostgreSQL restarted under submissions, replicas killed under load.

Each returns a Drill: passed or not, and the figures printed in the summary table.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench import scenarios
from bench.scale import client
from bench.scale.running import RunningShape

SEED = 19


@dataclass
class Drill:
    """One drill's verdict and figures (name -> value, in order)."""

    name: str
    passed: bool = False
    figures: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


async def _tickets(database_url: str, senders: list[str]) -> Counter[str]:
    """Tickets stored per conversation, straight from PostgreSQL."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        query = "SELECT sender_id, reference FROM complaints WHERE sender_id = ANY($1::text[])"
        rows = await conn.fetch(query, senders)
    finally:
        await conn.close()
    return Counter(row["sender_id"] for row in rows)


async def _references(database_url: str) -> set[str]:
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        return {row["reference"] for row in await conn.fetch("SELECT reference FROM complaints")}
    finally:
        await conn.close()


def _upstreams(shape: RunningShape, since: float) -> Counter[tuple[int, str]]:
    """(nginx listener port, server that answered) for messages (POSTs) since a time, from nginx's upstream log."""
    seen: Counter[tuple[int, str]] = Counter()
    log = shape.root / "nginx" / "upstreams.log"
    for line in log.read_text().splitlines() if log.is_file() else ():
        parts = line.split(" ")
        if len(parts) != 5:
            continue  # not this format's line
        stamp, port, upstream, _status, method = parts
        if float(stamp) >= since and method == "POST":
            seen[(int(port), upstream)] += 1
    return seen


async def replicas_in_turn(shape: RunningShape) -> Drill:
    """Drill 1: each conversation's turns alternate between web 1 (Rasa 1) and web 2 (Rasa 2)."""
    drill = Drill("1. turns alternate between replicas")
    urls = [f"{shape.web_url(i)}/api/chat" for i in range(2)]
    since = time.time()
    kinds = [("complaint", 0), ("complaint", 1), ("case_check", 0), ("lost_item", 1), ("faq", 0)]
    async with aiohttp.ClientSession() as session:
        done = await asyncio.gather(*(
            client.converse(session, lambda i, start=start: urls[(i + start) % 2], kind) for kind, start in kinds
        ))  # fmt: skip
    complaints = [c for c in done if c.kind == "complaint"]
    tickets = await _tickets(shape.shape["database_url"], [c.sender for c in complaints])
    incoherent = sum(1 for c in done if not c.completed or c.failed)
    ports = shape.shape["ports"]
    served = _upstreams(shape, since)
    crossed = sum(n for (port, upstream), n in served.items() if port in ports["rasa_via_nginx"]
                  and upstream != f"127.0.0.1:{ports['rasa'][ports['rasa_via_nginx'].index(port)]}")  # fmt: skip
    per_rasa = [sum(n for (port, up), n in served.items() if up == f"127.0.0.1:{p}") for p in ports["rasa"]]
    action_calls = sum(n for (port, _), n in served.items() if port in ports["actions_via_nginx"])
    drill.figures = {
        "conversations": len(done), "turns": sum(c.turns_ok + len(c.failed) for c in done),
        "incoherent conversations": incoherent,
        "messages per Rasa replica": " / ".join(map(str, per_rasa)), "messages on the other Rasa": crossed,
        "action server calls per message": f"{action_calls / max(1, sum(per_rasa)):.2f}",
        "complaints with exactly one ticket": f"{sum(1 for c in complaints if tickets[c.sender] == 1)} of "
        f"{len(complaints)}",
    }  # fmt: skip
    drill.passed = (incoherent == 0 and all(tickets[c.sender] == 1 and len(c.references) == 1 for c in complaints)
                    and crossed == 0 and all(per_rasa))  # fmt: skip
    return drill


async def database_restart(shape: RunningShape, residents: int = 50) -> Drill:
    """Drill 2: PostgreSQL restarted (fast shutdown, then the supervisor starts it) amid concurrent Submits."""
    drill = Drill("2. PostgreSQL restarted amid submissions")
    url = f"{shape.url}/api/chat"
    rng = random.Random(SEED)  # noqa: S311 (when residents press Submit, not a secret)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=residents)) as session:
        filled = await asyncio.gather(*(
            client.converse(session, lambda i: url, "complaint", scenarios.COMPLAINT_TO_READ_BACK, retries=2)
            for _ in range(residents)
        ))  # fmt: skip
        ready = [c for c in filled if c.completed]
        delays = [rng.uniform(0, 4) for _ in ready]

        async def submit(conversation: client.Conversation, delay: float) -> client.Conversation:
            await asyncio.sleep(delay)
            return await client.converse(session, lambda i: url, "complaint", (scenarios.SUBMIT,), retries=10,
                                         retry_wait=2.0, conversation=conversation)  # fmt: skip

        submits = asyncio.gather(*(submit(c, d) for c, d in zip(ready, delays, strict=True)))
        await asyncio.sleep(1.5)
        old = shape.signal("postgres", signal.SIGINT)  # `pg_ctl stop -m fast`; the supervisor starts it again
        restart = asyncio.create_task(asyncio.to_thread(shape.wait_restarted, "postgres", old, 120))
        submitted = await submits
    down_seconds = await restart
    senders = [c.sender for c in submitted]
    tickets = await _tickets(shape.shape["database_url"], senders)
    stored = await _references(shape.shape["database_url"])
    shown = [c for c in submitted if c.references]
    missing = sum(1 for c in shown for ref in c.references if ref not in stored)
    duplicated = sum(1 for c in submitted if tickets[c.sender] > 1 or len(c.references) > 1)
    drill.figures = {
        "residents": residents, "reached the read-back": len(ready), "submitted": len(submitted),
        "shown a reference": len(shown), "stored": sum(tickets.values()), "duplicated": duplicated,
        "shown but not stored": missing, "stored but never shown": sum(1 for c in submitted
                                                                       if tickets[c.sender] and not c.references),
        "failed turns (then retried)": sum(len(c.failed) for c in submitted),
        "PostgreSQL healthy again after (s)": f"{down_seconds:.1f}",
    }  # fmt: skip
    drill.passed = missing == 0 and duplicated == 0 and len(ready) == residents and len(shown) == len(submitted)
    drill.notes += _seen(a for c in submitted for a in c.failed)
    return drill


def _seen(failed: Iterable[client.Answer]) -> list[str]:
    """What residents were shown for failed turns, grouped: status and the start of the message."""
    counts = Counter(f"HTTP {a.status or 'none'}: {a.seen[:90]!r}" for a in failed)
    return [f"{n} failed turn(s) showed {what}" for what, n in counts.most_common()]


async def replica_loss(shape: RunningShape, users: int = 20, seconds: float = 45, kill_at: float = 10) -> Drill:
    """Drill 3: Rasa 1 and action server 2 killed mid-load; conversations carry on through the others."""
    drill = Drill("3. a Rasa and an action server killed mid-load")
    url = f"{shape.url}/api/chat"
    kinds, weights = list(scenarios.WEIGHTS), list(scenarios.WEIGHTS.values())
    finished: list[client.Conversation] = []
    deadline = time.monotonic() + seconds

    async def resident(session: aiohttp.ClientSession, rng: random.Random) -> None:
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            finished.append(await client.converse(session, lambda i: url, kind, retries=3, retry_wait=1.0))

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=users)) as session:
        rngs = [random.Random(SEED + n) for n in range(users)]  # noqa: S311 (a load mix, not a secret)
        load = asyncio.gather(*(resident(session, rng) for rng in rngs))
        await asyncio.sleep(kill_at)
        killed_at = time.monotonic()
        killed = {name: shape.signal(name, signal.SIGKILL) for name in ("rasa-1", "actions-2")}
        await load
    back = {name: await asyncio.to_thread(shape.wait_restarted, name, pid, 300) for name, pid in killed.items()}
    failed = [a for c in finished for a in c.failed]
    silent = sum(c.silent_failures for c in finished)
    drill.figures = {
        "conversations": len(finished), "completed": sum(1 for c in finished if c.completed),
        "turns answered": sum(c.turns_ok for c in finished), "failed turns": len(failed),
        "failed turns with a phone number": len(failed) - silent, "failed turns with none": silent,
        "restarted after (s)": ", ".join(f"{name} {s:.0f}" for name, s in back.items()),
    }  # fmt: skip
    drill.passed = silent == 0 and all(c.completed for c in finished)
    drill.notes += _seen(failed)
    drill.notes += [_gave_up(c, killed_at) for c in finished if not c.completed]
    return drill


def _gave_up(conversation: client.Conversation, since: float) -> str:
    """A conversation that gave up: its last failed tries, each as status, sent at (s after the kill) and wait."""
    last = conversation.failed[-4:]
    tries = ", ".join(f"{a.status or 'none'} at {a.started - since:+.1f} s ({a.seconds:.1f} s)" for a in last)
    return f"gave up ({conversation.kind}, after {conversation.turns_ok} turns): {tries}"


def log_dir(root: Path) -> Path:
    """Where the drills keep their logs."""
    return root / "logs"
