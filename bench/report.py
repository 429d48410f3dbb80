"""The markdown report: ours next to the stock bot, the targets, and how and where it was measured."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.load import LoadResult
from bench.measure import BotResult

P50_TARGET_MS = 60.0
P99_TARGET_MS = 200.0
TURN_GROWTH_TARGET = 1.5  # the median of turn 50 at most this many times turn 5's
MIB = 1024 * 1024


@dataclass(frozen=True)
class RunInfo:
    """How the bench was run: the command, the options, when, and how long it took."""

    command: str
    messages: int
    concurrency: int
    started: str
    seconds: float
    load_at_start: float
    commit_at_start: str = ""  # what the services started from; the tree can change while a long run goes on


def _git(root: Path, *args: str) -> str:
    found = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    return found.stdout.strip() if found.returncode == 0 else ""


def commit(root: Path) -> str:
    """The commit measured, marked when the working tree has changes; 'none' before the first commit."""
    head = _git(root, "rev-parse", "--short", "HEAD")
    if not head:
        return "none (no commits yet)"
    return head + (" with uncommitted changes" if _git(root, "status", "--porcelain") else "")


def _commits(info: RunInfo, at_end: str) -> str:
    if not info.commit_at_start or info.commit_at_start == at_end:
        return at_end
    return f"{info.commit_at_start} at the start (the services measured), {at_end} at the end"


def machine(rasa_python: Path, load_at_start: float) -> list[str]:
    """The machine and software versions, one markdown bullet each."""
    rasa = subprocess.run(
        [str(rasa_python), "-c", "import importlib.metadata as m; print(m.version('rasa'))"],
        capture_output=True, text=True, check=False,
    ).stdout.strip() or "unknown"  # fmt: skip
    return [
        f"- CPUs: {os.cpu_count()} ({platform.processor() or platform.machine()}), "
        f"RAM: {psutil.virtual_memory().total / 1024**3:.1f} GiB; 1-minute load average {load_at_start:.2f} at the "
        f"start, {os.getloadavg()[0]:.2f} at the end (the machine may be shared: read the figures with it)",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()} (bench and web app), "
        f"Rasa {rasa}",
    ]


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _mib(rss: dict[str, int], name: str) -> str:
    if name == "total":
        return f"{sum(rss.values()) / MIB:.0f}" if rss else "–"
    return f"{rss[name] / MIB:.0f}" if name in rss else "–"


def _rows(bots: list[BotResult], concurrency: int) -> list[tuple[str, Callable[[BotResult], str]]]:
    def lat(n: int) -> Callable[[BotResult], str]:
        def cell(b: BotResult) -> str:
            return " / ".join(_num(getattr(b.loads[n], f"p{p}_ms")) for p in (50, 95, 99)) if n in b.loads else "–"

        return cell

    def field(n: int, name: str, digits: int = 1) -> Callable[[BotResult], str]:
        return lambda b: _num(getattr(b.loads[n], name), digits) if n in b.loads else "–"

    def errors(n: int) -> Callable[[BotResult], str]:
        return lambda b: f"{b.loads[n].errors} of {b.loads[n].sent}" if n in b.loads else "–"

    rows: list[tuple[str, Callable[[BotResult], str]]] = [
        ("Training time (s)", lambda b: _num(b.train_seconds)),
        ("Start-up to healthy (s)", lambda b: _num(b.startup_seconds)),
    ]
    for name in ("rasa", "actions", "web", "total"):
        label = {"rasa": "Rasa server", "actions": "action server", "web": "web app", "total": "all processes"}[name]
        rows.append(
            (
                f"RSS {label} (MiB), after start / after load",
                lambda b, n=name: f"{_mib(b.rss_start, n)} / {_mib(b.rss_end, n)}",
            )
        )
    for n in dict.fromkeys((1, concurrency)):
        name = "1 conversation" if n == 1 else f"{n} conversations"
        rows += [
            (f"{name}: latency p50 / p95 / p99 (ms)", lat(n)),
            (f"{name}: throughput (messages/s)", field(n, "throughput")),
            (f"{name}: failed messages", errors(n)),
        ]

    def turns(b: BotResult) -> str:
        return " / ".join(_num(b.turn_p50_ms.get(t)) for t in (5, 50)) if b.turn_p50_ms else "–"

    def locust(what: str) -> Callable[[BotResult], str]:
        def cell(b: BotResult) -> str:
            r = b.locust
            if r is None:
                return "–"
            return {"rate": _num(r.per_second), "lat": f"{r.p50_ms:.0f} / {r.p95_ms:.0f} / {r.p99_ms:.0f}",
                    "errors": f"{r.failures} of {r.requests}"}[what]  # fmt: skip

        return cell

    rows += [
        ("long conversations, one at a time: p50 of turn 5 / turn 50 (ms)", turns),
        (f"locust, {concurrency} residents, realistic conversations: messages/s", locust("rate")),
        ("locust: latency p50 / p95 / p99 (ms)", locust("lat")),
        ("locust: failed messages (ours: HTTP errors and off-script answers)", locust("errors")),
    ]
    return rows


def targets(ours: BotResult, stock: BotResult | None, concurrency: int) -> list[str]:
    """The targets later issues must hold, each with PASS, FAIL or NOT MEASURED."""

    def verdict(ok: bool | None) -> str:
        return "NOT MEASURED" if ok is None else ("PASS" if ok else "**FAIL**")

    one: LoadResult | None = ours.loads.get(1)
    many, base = ours.loads.get(concurrency), stock.loads.get(concurrency) if stock else None
    lines = ["| Target | Measured | Result |", "|---|---|---|"]
    lines.append(
        f"| p50 ≤ {P50_TARGET_MS:.0f} ms, 1 conversation | {_num(one.p50_ms) if one else '–'} ms | "
        f"{verdict(None if one is None else one.p50_ms <= P50_TARGET_MS and one.errors == 0)} |"
    )
    lines.append(
        f"| p99 ≤ {P99_TARGET_MS:.0f} ms, 1 conversation | {_num(one.p99_ms) if one else '–'} ms | "
        f"{verdict(None if one is None else one.p99_ms <= P99_TARGET_MS and one.errors == 0)} |"
    )
    ok = None if many is None or base is None else many.throughput >= base.throughput and many.errors == 0
    lines.append(
        f"| throughput with {concurrency} conversations ≥ stock bot's | "
        f"{_num(many.throughput) if many else '–'} vs {_num(base.throughput) if base else '–'} messages/s | "
        f"{verdict(ok)} |"
    )
    mine, theirs = ours.locust, stock.locust if stock else None
    ok = None if mine is None or theirs is None else mine.per_second >= theirs.per_second
    lines.append(
        f"| locust throughput, {concurrency} residents ≥ stock bot's | "
        f"{_num(mine.per_second) if mine else '–'} vs {_num(theirs.per_second) if theirs else '–'} messages/s | "
        f"{verdict(ok)} |"
    )
    five, fifty = ours.turn_p50_ms.get(5), ours.turn_p50_ms.get(50)
    ok = None if five is None or fifty is None else fifty <= TURN_GROWTH_TARGET * five
    lines.append(
        f"| p50 of turn 50 ≤ {TURN_GROWTH_TARGET}× turn 5 | {_num(fifty)} vs {_num(five)} ms | {verdict(ok)} |"
    )
    return lines


def render(ours: BotResult, stock: BotResult | None, info: RunInfo, root: Path, rasa_python: Path) -> str:
    """The whole report as markdown."""
    bots = [ours] + ([stock] if stock else [])
    header = "| | " + " | ".join(b.name for b in bots) + " |"
    lines = [
        "# Benchmark: ours vs a stock `rasa init` bot", "",
        f"Run {info.started}, took {info.seconds / 60:.1f} min. Commit: {_commits(info, commit(root))}.", "",
        f"Command: `{info.command}`", "",
        "## Results", "", header, "|---" * (len(bots) + 1) + "|",
    ]  # fmt: skip
    for label, cell in _rows(bots, info.concurrency):
        lines.append(f"| {label} | " + " | ".join(cell(b) for b in bots) + " |")
    lines += ["", "## Targets", "", *targets(ours, stock, info.concurrency), ""]
    for b in bots:
        if b.locust is not None:
            lines += [f"Locust for {b.name}: `{b.locust.command}`", ""]
    notes = [f"- {b.name}: {note}" for b in bots for note in b.notes]
    if notes:
        lines += ["## Notes from this run", "", *notes, ""]
    lines += [
        "## How it was measured", "",
        "- Training: `rasa train --force` from scratch with an empty cache, at `nice -n 10`; "
        "ours with the arguments bot/training.py uses, the stock project is the `rasa init` template.",
        "- Start-up: ours from launching `python -m bot run` (fresh SQLite database, demo data loaded first) "
        "to its \"Everything is running\" line (every /health and /healthz answering 200); the stock bot from "
        "launching `rasa run` to `GET /` answering 200. Both are polled every 0.5 s.",
        "- Memory: resident set size of each service's process tree (psutil), after start-up and a warm-up, "
        "and again after both load runs.",
        f"- Latency: {info.messages} messages per load run after an uncounted warm-up, in 1 conversation and then "
        f"shared between {info.concurrency} concurrent conversations (a new sender id each), each conversation sending "
        "its next message when the reply arrives. Ours through the web app's `POST /api/chat` (which relays to "
        "Rasa, with the SQL tracker store and the action server), the stock bot on Rasa's own "
        "`/webhooks/rest/webhook` with its in-memory tracker store. All on loopback, the client on the same machine.",
        "- Percentiles interpolate linearly between closest ranks; throughput is answered messages over the "
        "run's wall-clock time.",
        "- Long conversations: 5 conversations of 55 messages (the list above, in turn), one after another; the "
        "median of turns 3–7 is reported as turn 5, of turns 48–52 as turn 50.",
        "- Locust: headless, loopback, the conversations of bench/scenarios.py (FAQ, case check, complaint, lost "
        "item, weighted 4:2:1:2), each resident sending its next message when the reply arrives; for ours an "
        "answer off the script counts as a failure, for the stock bot (which knows none of them) only HTTP errors.",
        "", "## Machine", "", *machine(rasa_python, info.load_at_start), "",
    ]  # fmt: skip
    for b in bots:
        if b.profile:
            lines += [b.profile.replace("## Profile", f"## Profile of {b.name}", 1), ""]
    return "\n".join(lines)


def bench_command(argv: list[str]) -> str:
    """The exact command line, noting when `make bench` ran it."""
    command = " ".join(
        [
            Path(sys.executable).relative_to(Path.cwd()).as_posix()
            if Path(sys.executable).is_relative_to(Path.cwd())
            else sys.executable,
            "-m",
            "bench",
            *argv,
        ]
    )
    return f"make bench  # ran: {command}" if os.environ.get("MAKELEVEL") else command
