"""A headless locust run (bench/locustfile.py) against a loopback URL, bounded in time, and its figures."""

from __future__ import annotations

import csv
import math
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.settings import PROJECT_ROOT

LOCUST = PROJECT_ROOT / ".venv-bench" / "bin" / "locust"
LOCUSTFILE = PROJECT_ROOT / "bench" / "locustfile.py"


@dataclass(frozen=True)
class LocustResult:
    """The aggregated figures of one run (percentiles as locust rounds them)."""

    users: int
    seconds: float
    requests: int
    failures: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    command: str

    @property
    def error_rate(self) -> float:
        """Failed messages over all messages."""
        return self.failures / self.requests if self.requests else math.nan


def command(host: str, users: int, seconds: int, csv_prefix: Path) -> list[str]:
    """The locust command line (headless, loopback only, stopping after `seconds`)."""
    if urlsplit(host).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"locust only runs against loopback addresses here, not {host}")
    return [
        str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--host", host, "-u", str(users), "-r", str(users),
        "-t", f"{seconds}s", "--stop-timeout", "30", "--csv", str(csv_prefix), "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip


def parse(stats_csv: Path, users: int, seconds: float, shown: str) -> LocustResult:
    """The 'Aggregated' row of locust's _stats.csv."""
    with stats_csv.open(newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return LocustResult(
        users=users, seconds=seconds, requests=int(row["Request Count"]), failures=int(row["Failure Count"]),
        per_second=float(row["Requests/s"]), p50_ms=float(row["50%"]), p95_ms=float(row["95%"]),
        p99_ms=float(row["99%"]), command=shown,
    )  # fmt: skip


def run(host: str, path: str, *, users: int, seconds: int, out: Path, check: bool = True) -> LocustResult:
    """Run locust against host+path; its CSV files go to `out` (a file prefix) and a log beside them."""
    if not LOCUST.is_file():
        raise FileNotFoundError(f"{LOCUST} is missing: `make bench-tools` installs locust into .venv-bench")
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = command(host, users, seconds, out)
    env = {**os.environ, "BENCH_CHAT_PATH": path, "BENCH_CHECK": "1" if check else "0"}
    shown = f"BENCH_CHAT_PATH={path} BENCH_CHECK={int(check)} " + " ".join(
        str(Path(a).relative_to(PROJECT_ROOT)) if a.startswith(str(PROJECT_ROOT)) else a for a in argv
    )
    with out.with_suffix(".log").open("wb") as log:
        subprocess.run(argv, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                       timeout=seconds + 120, check=False)  # fmt: skip  (exit 1 when any request failed)
    stats = Path(f"{out}_stats.csv")
    if not stats.is_file():
        raise RuntimeError(f"locust wrote no figures; see {out.with_suffix('.log')}")
    return parse(stats, users, seconds, shown)
