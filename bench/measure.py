"""What is measured on a running bot, the same way for ours and the stock one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bench import load
from bench.procs import tree_rss


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


def exercise(result: BotResult, url: str, pids: dict[str, int], messages: int, concurrency: int) -> None:
    """Warm up, take memory, run 1 then `concurrency` conversations of `messages` in total, take memory again."""
    asyncio.run(load.warm_up(url, concurrency))
    result.rss_start = {name: tree_rss(pid) for name, pid in pids.items()}
    for conversations in dict.fromkeys((1, concurrency)):
        print(f"  {result.name}: {messages} messages over {conversations} conversation(s)…", flush=True)
        result.loads[conversations] = asyncio.run(load.run_load(url, conversations, messages))
    result.rss_end = {name: tree_rss(pid) for name, pid in pids.items()}
