"""python -m bench: measure ours and a stock `rasa init` bot, write the markdown report and print it."""

from __future__ import annotations

import argparse
import datetime
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import ours, report, stock
from bench.measure import BotResult, Extras
from bench.procs import NICE
from bot.settings import PROJECT_ROOT, Settings

NLU_SCRIPT = PROJECT_ROOT / "bench" / "nlu.py"
NLU_TIMEOUT_SECONDS = 3 * 3600


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--messages", type=int, default=200, help="messages per load run (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent conversations (default 20)")
    parser.add_argument("--skip-stock", action="store_true", help="measure only ours")
    parser.add_argument("--skip-nlu", action="store_true", help="do not run bench/nlu.py")
    parser.add_argument("--skip-safety", action="store_true", help="do not run the safety set (bench/safety.py)")
    parser.add_argument("--model", type=Path, help="use this model of ours instead of training one")
    parser.add_argument("--locust-seconds", type=int, default=60, help="length of each locust run (default 60)")
    parser.add_argument("--skip-extras", action="store_true",
                        help="no long conversations, locust or profile (the original figures only)")
    parser.add_argument("--no-profile", action="store_true", help="do not attach py-spy during our locust run")
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.md"), help="where to write the report")
    args = parser.parse_args(argv)
    if args.messages < 1 or args.concurrency < 1:
        parser.error("--messages and --concurrency must be at least 1")
    if args.model is not None and not args.model.is_file():
        parser.error(f"no model at {args.model}")
    return args


def run_safety(work: Path, logs: Path) -> str:
    """Run the safety set through a stack of the trained model (bench/safety.py) and return its markdown."""
    out = work / "safety.md"
    print("safety: running the safety set through the stack…", flush=True)
    with (logs / "safety.log").open("wb") as log:
        done = subprocess.run([sys.executable, "-m", "bench.safety", "--out", str(out)], cwd=PROJECT_ROOT,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True, check=False)  # fmt: skip
    if not out.is_file():
        return f"## Safety set\n\nbench/safety.py failed (exit {done.returncode}); see {logs / 'safety.log'}.\n"
    return out.read_text()


def run_nlu(work: Path, logs: Path) -> str:
    """Run bench/nlu.py (the NLU accuracy figures) and return its markdown, or a line saying why there is none."""
    out = work / "nlu.md"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    command = [*NICE, str(Settings.from_env().rasa_bin.parent / "python"), str(NLU_SCRIPT), "--out", str(out)]
    print("nlu: running bench/nlu.py (this can take a while)…", flush=True)
    try:
        with (logs / "nlu.log").open("wb") as log:
            subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                           timeout=NLU_TIMEOUT_SECONDS, check=True, start_new_session=True)  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return f"## NLU\n\nbench/nlu.py failed ({exc}); see {logs / 'nlu.log'}.\n"
    return out.read_text() if out.is_file() else "## NLU\n\nbench/nlu.py wrote no report.\n"


def _step(result: BotResult, what: str, step: Callable[[], None]) -> bool:
    """Run one step; a failure becomes a note in the report (and a failed run) instead of losing the rest."""
    try:
        step()
    except Exception as exc:  # any failure of one bot must not lose the other's figures
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        result.notes.append(f"**{what} failed**: {message[:400]}")
        print(f"error: {result.name}: {what} failed: {message}", file=sys.stderr)
        return False
    return True


def measure(args: argparse.Namespace, work: Path, logs: Path) -> tuple[BotResult, BotResult | None, bool]:
    """Train and time both bots, one training at a time, then run each alone and measure it; True if all went well."""
    mine = BotResult("Ours")
    base = None if args.skip_stock else BotResult("Stock `rasa init`")
    models, project = work / "models", work / "stock"
    trained: dict[str, Path] = {}
    ok = True

    def train_ours() -> None:
        trained["ours"], mine.train_seconds = ours.train(models, work / "cache-ours", logs / "ours-train.log")

    def train_stock() -> None:
        assert base is not None
        stock.create(project)
        trained["stock"], base.train_seconds = stock.train(project, work / "cache-stock", logs / "stock-train.log")

    if args.model is None:
        print("ours: training from scratch…", flush=True)
        ok &= _step(mine, "training", train_ours)
    else:
        trained["ours"] = args.model
        mine.notes.append(f"training not measured: ran the given model {args.model}")
    if base is not None:
        print("stock: creating the `rasa init` project and training it…", flush=True)
        ok &= _step(base, "training", train_stock)

    out = args.out if args.out.is_absolute() else PROJECT_ROOT / args.out
    profiles = None if args.no_profile else out.parent / "profiles"
    ours_extras = None if args.skip_extras else Extras("/api/chat", True, args.locust_seconds, profiles)
    stock_extras = None if args.skip_extras else Extras("/webhooks/rest/webhook", False, args.locust_seconds)

    def run_ours() -> None:
        ours.place_model(trained["ours"], models, mine)
        ours.run(work / "var", models, mine, args.messages, args.concurrency, logs, ours_extras)

    if "ours" in trained:
        ok &= _step(mine, "running", run_ours)
    if base is not None and "stock" in trained:
        ok &= _step(base, "running", lambda: stock.run(
            project, trained["stock"], base, args.messages, args.concurrency, logs, stock_extras))
    return mine, base, ok


def main(argv: list[str] | None = None) -> int:
    """Run the bench and write the report; exit 1 when a step failed."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    # A plain `kill` should still stop the services we started and remove the temporary directory.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, load_at_start = time.monotonic(), os.getloadavg()[0]
    started_at = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    commit_at_start = report.commit(PROJECT_ROOT)
    out = args.out if args.out.is_absolute() else PROJECT_ROOT / args.out
    logs = out.parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for old in logs.glob("*.log"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        mine, base, ok = measure(args, work, logs)
        nlu = "" if args.skip_nlu or not NLU_SCRIPT.is_file() else run_nlu(work, logs)
        safety = "" if args.skip_safety else run_safety(work, logs)
    info = report.RunInfo(report.bench_command(argv), args.messages, args.concurrency, started_at,
                          time.monotonic() - started, load_at_start, commit_at_start)  # fmt: skip
    text = report.render(mine, base, info, PROJECT_ROOT, Settings.from_env().rasa_bin.parent / "python")
    for section in (nlu, safety):
        if section:
            text += "\n" + section.strip() + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)
    print(f"written to {out}; logs in {logs}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
