"""What is measured on a running bot, the same way for ours and the stock one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from bench import load, locust_run, profile
from bench.locust_run import LocustResult
from bench.procs import tree_rss
from bot.settings import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
LONG_CONVERSATIONS = 5
LONG_TURNS = 55


@dataclass
class BotResult:
    """Every figure for one bot; None where a step was skipped or failed."""

    name: str
    train_seconds: float | None = None
    startup_seconds: float | None = None
    rss_start: dict[str, int] = field(default_factory=dict)  # service -> bytes, after start-up and warm-up
    rss_end: dict[str, int] = field(default_factory=dict)  # service -> bytes, after the load runs
    loads: dict[int, load.LoadResult] = field(default_factory=dict)  # conversations -> result
    notes: list[str] = field(default_factory=list)
    locust: LocustResult | None = None  # realistic conversations (bench/scenarios.py), `concurrency` residents
    turn_p50_ms: dict[int, float] = field(default_factory=dict)  # turn number -> median latency, long conversations
    profile: str = ""  # markdown: py-spy's summary under the locust load


@dataclass(frozen=True)
class Extras:
    """What `exercise` runs after the original loads: locust, long conversations and the profile."""

    locust_path: str  # /api/chat, or Rasa's webhook for the stock bot
    check_replies: bool  # the stock bot knows none of our conversations: only HTTP errors count there
    locust_seconds: int = 60
    profile_dir: Path | None = None  # record py-spy under the locust load when set


def exercise(
    result: BotResult, url: str, pids: dict[str, int], messages: int, concurrency: int, extras: Extras | None = None
) -> None:
    """Warm up, take memory, run 1 then `concurrency` conversations, then the extras, and take memory again."""
    # `messages` in total; the extras are long conversations and locust with py-spy attached.
    asyncio.run(load.warm_up(url, concurrency))
    result.rss_start = {name: tree_rss(pid) for name, pid in pids.items()}
    for conversations in dict.fromkeys((1, concurrency)):
        print(f"  {result.name}: {messages} messages over {conversations} conversation(s)…", flush=True)
        result.loads[conversations] = asyncio.run(load.run_load(url, conversations, messages))
    if extras is not None:
        _extras(result, url, pids, concurrency, extras)
    result.rss_end = {name: tree_rss(pid) for name, pid in pids.items()}


def _extras(result: BotResult, url: str, pids: dict[str, int], concurrency: int, extras: Extras) -> None:
    print(f"  {result.name}: {LONG_CONVERSATIONS} conversations of {LONG_TURNS} turns, one at a time…", flush=True)
    by_turn = asyncio.run(load.run_long(url, LONG_CONVERSATIONS, LONG_TURNS))
    result.turn_p50_ms = {turn: load.window_p50_ms(by_turn, turn) for turn in (5, 50)}
    host = url.split("/", 3)
    base = f"{host[0]}//{host[2]}"
    recordings = []
    if extras.profile_dir is not None:
        try:
            recordings = profile.record(pids, extras.locust_seconds, extras.profile_dir)
        except FileNotFoundError as exc:
            result.notes.append(f"no profile: {exc}")
    print(f"  {result.name}: locust, {concurrency} residents for {extras.locust_seconds} s…", flush=True)
    try:
        result.locust = locust_run.run(base, extras.locust_path, users=concurrency, seconds=extras.locust_seconds,
                                       out=RESULTS / f"locust-{_slug(result.name)}", check=extras.check_replies)
    except (FileNotFoundError, RuntimeError) as exc:
        result.notes.append(f"no locust figures: {exc}")
    if recordings:
        result.profile = profile.report(recordings, extras.locust_seconds)


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum()) or "bot"

