"""python -m bench.scale: start the production shape, run the four drills, print a summary, exit 1 on a failure."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import sys
import time
from pathlib import Path

from bench.scale import drills, load, running
from bench.scale.drills import Drill
from bot.settings import PROJECT_ROOT


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--users", type=int, default=20, help="concurrent residents in the locust runs (20)")
    parser.add_argument("--seconds", type=int, default=60, help="length of each locust run (60)")
    parser.add_argument("--dir", type=Path, default=PROJECT_ROOT / "var" / "scale-test", help="the shape's files")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results" / "scale.md")
    parser.add_argument("--skip-locust", action="store_true", help="drills 1 to 3 only")
    return parser.parse_args(argv)


def table(results: list[Drill]) -> list[str]:
    """The summary: one row per drill, its figures in one cell."""
    lines = ["| drill | result | figures |", "|---|---|---|"]
    for drill in results:
        figures = "; ".join(f"{k}: {v}" for k, v in drill.figures.items())
        lines.append(f"| {drill.name} | {'PASS' if drill.passed else '**FAIL**'} | {figures} |")
    return lines


async def run_drills(shape: running.RunningShape, args: argparse.Namespace) -> tuple[list[Drill], list[str]]:
    """The drills in order; one that raises counts as failed and the next ones still run."""
    results: list[Drill] = []
    extra: list[str] = []
    steps = [drills.replicas_in_turn, drills.database_restart, drills.replica_loss]
    for step in steps:
        print(f"drill: {step.__doc__.splitlines()[0] if step.__doc__ else step.__name__}", flush=True)
        try:
            results.append(await step(shape))
        except Exception as exc:  # a broken drill is a failed drill, reported with the others
            results.append(Drill(step.__name__, False, {"error": f"{type(exc).__name__}: {exc}"[:300]}))
        print("  " + table(results[-1:])[-1], flush=True)
    if not args.skip_locust:
        print("drill 4: locust through nginx, then through web app 1 alone…", flush=True)
        try:
            drill, extra = await load.locust(shape, args.out.parent, args.users, args.seconds)
        except Exception as exc:
            drill = Drill("4. locust", False, {"error": f"{type(exc).__name__}: {exc}"[:300]})
        results.append(drill)
    return results, extra


def main(argv: list[str] | None = None) -> int:
    """Start the shape, drill, stop it, report."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started, when = time.monotonic(), datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    logs = args.out.parent / "logs"
    print(f"starting the scale shape in {args.dir} (two Rasa servers load the model; a few minutes)…", flush=True)
    shape = running.start(args.dir, logs / "scale-demo.log")
    try:
        results, extra = asyncio.run(run_drills(shape, args))
    finally:
        code = shape.stop()
    lines = [
        "# Scale drills: the production shape on one machine", "",
        f"Run {when}, took {(time.monotonic() - started) / 60:.1f} min; `make scale-test` "
        f"(`python -m bench.scale {' '.join(argv or sys.argv[1:])}`). {os.cpu_count()} CPUs; 1-minute load "
        f"average {os.getloadavg()[0]:.2f} at the end. The shape's log: {logs / 'scale-demo.log'}.", "",
        *table(results), "", *extra, "",
    ]  # fmt: skip
    notes = [f"- {d.name}: {note}" for d in results for note in d.notes]
    if code not in (0, None):
        notes.append(f"- the shape's supervisor exited with code {code} when stopped")
    text = "\n".join(lines + (["## Notes", "", *notes, ""] if notes else []))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    failed = [d.name for d in results if not d.passed]
    print(f"written to {args.out}" + (f"; FAILED: {', '.join(failed)}" if failed else "; every drill passed"))
    return 1 if failed or code not in (0, None) else 0


if __name__ == "__main__":
    raise SystemExit(main())
