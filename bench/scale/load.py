"""Drill 4: locust against the shape through nginx (two replicas of each service), then through web app 1 alone
(web 1, Rasa 1, action server 1: one replica of each), for the same time."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench import locust_run
from bench.procs import tree_rss
from bench.scale.drills import Drill
from bench.scale.running import RunningShape

P95_TARGET_MS = 1000.0


async def locust(shape: RunningShape, out_dir: Path, users: int, seconds: int) -> tuple[Drill, list[str]]:
    """Run both loads; the drill fails when locust cannot run or a message fails; returns the table rows too."""
    drill = Drill(f"4. locust, {users} residents, {seconds} s")
    runs = {}
    for label, host in (("two replicas (nginx)", shape.url), ("one replica (web 1)", shape.web_url(0))):
        prefix = out_dir / f"scale-locust-{'two' if host == shape.url else 'one'}"
        runs[label] = await asyncio.to_thread(
            locust_run.run, host, "/api/chat", users=users, seconds=seconds, out=prefix
        )
    two, one = runs["two replicas (nginx)"], runs["one replica (web 1)"]
    rss = {name: tree_rss(pid) // (1024 * 1024) for name, pid in sorted(shape.pids().items())}
    drill.figures = {
        "messages/s, two replicas": f"{two.per_second:.1f}", "messages/s, one replica": f"{one.per_second:.1f}",
        "p50 / p95 / p99 ms, two": f"{two.p50_ms:.0f} / {two.p95_ms:.0f} / {two.p99_ms:.0f}",
        "p50 / p95 / p99 ms, one": f"{one.p50_ms:.0f} / {one.p95_ms:.0f} / {one.p99_ms:.0f}",
        "errors, two / one": f"{two.failures} of {two.requests} / {one.failures} of {one.requests}",
        "RSS MiB": ", ".join(f"{name} {mib}" for name, mib in rss.items()),
    }  # fmt: skip
    drill.passed = two.requests > 0 and two.failures == 0 and one.failures == 0
    rows = [
        "| load | messages/s | p50 ms | p95 ms | p99 ms | errors | command |", "|---|---|---|---|---|---|---|",
        *(f"| {label} | {r.per_second:.1f} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | {r.p99_ms:.0f} | "
          f"{r.failures} of {r.requests} | `{r.command}` |" for label, r in runs.items()),
        "", f"Targets (reported, not asserted): at {users} concurrent, zero errors: "
        f"{'met' if two.failures == 0 else 'missed'}; p95 under {P95_TARGET_MS:.0f} ms: "
        f"{'met' if two.p95_ms < P95_TARGET_MS else 'missed'} ({two.p95_ms:.0f} ms); two replicas vs one: "
        f"{two.per_second / one.per_second:.2f}x the throughput." if one.per_second else "",
    ]  # fmt: skip
    return drill, rows
