"""python -m bench.flood: a bounded flood from one address through a trusted proxy, beside ordinary residents.

Starts the whole stack (bot/stack.py, the trained model) with the web app believing X-Forwarded-For from
127.0.0.1 (standing in for the proxy) and the default limits, then at the same time:
- one simulated address sends `--flood` messages as fast as `--concurrency` connections allow, over a few
  conversations, and then asks to forget them;
- `--residents` other addresses each hold a short conversation and then forget it.
Prints a table of what each got. Exits 1 unless every resident's chat and every forget succeeded.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.stack import start_stack

FLOODER = "203.0.113.66"
RESIDENT_MESSAGES = ["hello", "what is beacon", "how do I report a crime"]


@dataclass
class Tally:
    """The statuses and latencies of one group of requests."""

    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def row(self, who: str) -> str:
        """One line of the table."""
        total = sum(self.statuses.values())
        ok = self.statuses[200] + self.statuses[204]
        other = total - ok - self.statuses[429]
        ms = sorted(1000 * t for t in self.latencies) or [0.0]
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        return f"| {who} | {total} | {ok} | {self.statuses[429]} | {other} | {statistics.median(ms):.0f} | {p95:.0f} |"


async def _request(client: aiohttp.ClientSession, tally: Tally, method: str, url: str, address: str,
                   body: dict | None = None) -> None:
    started = time.perf_counter()
    try:
        async with client.request(method, url, json=body, headers={"X-Forwarded-For": address}) as response:
            await response.read()
            tally.statuses[response.status] += 1
    except (aiohttp.ClientError, asyncio.TimeoutError):
        tally.statuses[0] += 1
    tally.latencies.append(time.perf_counter() - started)


async def flood(base: str, total: int, concurrency: int, tally: Tally, forgets: Tally) -> None:
    """One address, many conversations, as fast as it can; then it forgets them (never starved)."""
    senders = [str(uuid.uuid4()) for _ in range(10)]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)

    async def worker(client: aiohttp.ClientSession) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            body = {"sender": senders[n % len(senders)], "message": f"spam {n}"}
            await _request(client, tally, "POST", f"{base}/api/chat", FLOODER, body)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        for sender in senders:
            await _request(client, forgets, "POST", f"{base}/api/chat/{sender}/forget", FLOODER)


async def resident(base: str, number: int, chats: Tally, forgets: Tally) -> None:
    """A resident at an address of their own: a short conversation while the flood runs, then the quick exit."""
    address = f"198.51.100.{number + 1}"
    sender = str(uuid.uuid4())
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as client:
        await asyncio.sleep(0.2 * number)  # they arrive over the first seconds of the flood
        for message in RESIDENT_MESSAGES:
            await _request(client, chats, "POST", f"{base}/api/chat", address, {"sender": sender, "message": message})
        await _request(client, forgets, "POST", f"{base}/api/chat/{sender}/forget", address)


async def run(base: str, args: argparse.Namespace) -> dict[str, Tally]:
    """The flood and the residents at once."""
    tallies = {name: Tally() for name in ("flood", "flood_forgets", "chats", "forgets")}
    started = time.perf_counter()
    await asyncio.gather(
        flood(base, args.flood, args.concurrency, tallies["flood"], tallies["flood_forgets"]),
        *(resident(base, n, tallies["chats"], tallies["forgets"]) for n in range(args.residents)),
    )
    print(f"\n{args.flood} flood messages and {args.residents} residents in {time.perf_counter() - started:.1f} s\n")
    return tallies


def report(tallies: dict[str, Tally], out: Path) -> bool:
    """Print the table (and write it to `out`); True when every resident's chat and every forget succeeded."""
    good = all(
        sum(tallies[name].statuses.values()) == tallies[name].statuses[ok]
        for name, ok in (("chats", 200), ("forgets", 204), ("flood_forgets", 204))
    )
    lines = [
        "| who | requests | ok (200/204) | 429 | other | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        tallies["flood"].row(f"flood from {FLOODER}: chat"),
        tallies["flood_forgets"].row(f"flood from {FLOODER}: forget"),
        tallies["chats"].row("residents, own addresses: chat"),
        tallies["forgets"].row("residents, own addresses: forget"),
        "",
        "residents' chats and every forget succeeded" if good else "FAILED: a resident was refused or lost",
    ]
    print("\n".join(lines))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("# Flood from one address (python -m bench.flood)\n\n" + "\n".join(lines) + "\n")
    return good


def main(argv: list[str] | None = None) -> int:
    """Start the stack, run the flood beside the residents, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=1500, help="messages the flooding address sends (default 1500)")
    parser.add_argument("--concurrency", type=int, default=20, help="its concurrent connections (default 20)")
    parser.add_argument("--residents", type=int, default=20, help="other addresses, one conversation each")
    parser.add_argument("--out", type=Path, default=Path("bench/results/flood.md"), help="where to write the table")
    args = parser.parse_args(argv)
    if min(args.flood, args.concurrency, args.residents) < 1 or args.flood > 20_000:
        parser.error("--flood (at most 20000), --concurrency and --residents must be at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as work:
        print("starting the stack (Rasa, actions, web app)…", flush=True)
        # The default limits, and the test client's loopback standing in for a trusted proxy.
        stack = start_stack(
            Path(work),
            {"BOT_TRUSTED_PROXIES": "127.0.0.1/32", "BOT_CHAT_RATE_PER_MINUTE": "30"},
        )
        try:
            for _ in range(3):  # the first turns warm the model up; they are not what this measures
                stack.request("POST", "/api/chat", {"sender": str(uuid.uuid4()), "message": "hello"})
            tallies = asyncio.run(run(f"http://127.0.0.1:{stack.settings.web_port}", args))
        finally:
            stack.stop()
    return 0 if report(tallies, args.out) else 1


if __name__ == "__main__":
    sys.exit(main())
