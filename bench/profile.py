"""py-spy under the bench's load: a sampled profile of each process, kept raw (collapsed stacks, which speedscope
and flamegraph.pl read), and summarised as the functions that take the most time, for the report."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT

PY_SPY = PROJECT_ROOT / ".venv-bench" / "bin" / "py-spy"
RATE = 50  # samples per second: enough for a summary, light on the process
# Threads waiting for work, which py-spy still samples as active: a pool worker on its queue, aiosqlite's
# thread polling its queue, and an event loop waiting in uvloop (C code, so the wait shows in Sanic's serve).
IDLE_LEAVES = frozenset({
    "_worker (concurrent/futures/thread.py)", "_connection_worker_thread (aiosqlite/core.py)",
    "serve (sanic/server/runners.py)",
})  # fmt: skip
# Frames on nearly every stack, which say nothing about where the time goes.
GENERIC = ("_bootstrap", "run (threading.py)", "_run_code (runpy.py)", "<module>", "main (", "run (", "serve",
           "_run_once (asyncio", "run_forever (asyncio", "run_until_complete", "_run (asyncio", "connection_task",
           "http1 (sanic", "handle_request", "_handle_request (aiohttp", "_worker (concurrent", "run_app (aiohttp",
           "main_from_args", "_web (bot/cli")  # fmt: skip
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


@dataclass
class Recording:
    """py-spy recording one process in the background."""

    name: str
    process: subprocess.Popen[bytes]
    raw: Path

    def wait(self) -> bool:
        """Wait for py-spy to finish; True when it wrote its samples."""
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.raw.is_file() and self.raw.stat().st_size > 0


def record(pids: dict[str, int], seconds: int, out_dir: Path) -> list[Recording]:
    """Start py-spy on each process for `seconds` (without pausing it); returns the recordings to wait for."""
    if not PY_SPY.is_file():
        raise FileNotFoundError(f"{PY_SPY} is missing: `make bench-tools` installs py-spy into .venv-bench")
    out_dir.mkdir(parents=True, exist_ok=True)
    recordings = []
    for name, pid in pids.items():
        raw = out_dir / f"{name}.collapsed.txt"
        command = [str(PY_SPY), "record", "--pid", str(pid), "--duration", str(seconds), "--rate", str(RATE),
                   "--format", "raw", "--output", str(raw), "--nonblocking", "--subprocesses"]  # fmt: skip
        log = (out_dir / f"{name}.py-spy.log").open("wb")
        recordings.append(Recording(name, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), raw))
    return recordings


def _short(frame: str) -> str:
    """'save (rasa/core/tracker_store.py)' from py-spy's 'save (/…/site-packages/rasa/core/tracker_store.py:297)'."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "lib/python3.10/", str(PROJECT_ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['function']} ({path})"


def load(raw: Path) -> Counter[tuple[str, ...]]:
    """Collapsed stacks ('frame;frame;frame count') into stack -> samples."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(_short(f) for f in stack.split(";") if not f.startswith("process "))] += int(count)
    return stacks


def summary(name: str, stacks: Counter[tuple[str, ...]], top: int = 12) -> list[str]:
    """Markdown: the functions with the most samples under them and on top, in percent of the busy samples."""
    # Inclusive and self counts; samples of threads waiting for work (IDLE_LEAVES) are left out.
    stacks = Counter({stack: n for stack, n in stacks.items() if stack and stack[-1] not in IDLE_LEAVES})
    total = sum(stacks.values())
    if not total:
        return [f"### {name}", "", "No samples (the process was idle or py-spy could not attach).", ""]
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, count in stacks.items():
        for frame in set(stack):
            if not frame.startswith(GENERIC):
                inclusive[frame] += count
        if stack:
            own[stack[-1]] += count
    seconds = total / RATE
    lines = [f"### {name}: {total} busy samples ({seconds:.0f} s of CPU at {RATE} Hz)", "",
             "| inclusive % | function | | self % | function |",
             "|---:|---|---|---:|---|"]  # fmt: skip
    incl, selfs = inclusive.most_common(top), own.most_common(top)
    for i in range(top):
        left = f"{100 * incl[i][1] / total:.1f} | `{incl[i][0]}`" if i < len(incl) else " | "
        right = f"{100 * selfs[i][1] / total:.1f} | `{selfs[i][0]}`" if i < len(selfs) else " | "
        lines.append(f"| {left} | | {right} |")
    return [*lines, ""]


def report(recordings: list[Recording], seconds: int) -> str:
    """The profile section of the bench report."""
    lines = [
        "## Profile (py-spy, under the 20-conversation load)", "",
        f"`py-spy record --rate {RATE} --nonblocking --subprocesses --format raw --duration {seconds}` on each "
        "process while the load ran; the raw collapsed stacks are in bench/results/profiles/ (open them in "
        "speedscope or flamegraph.pl). Inclusive: busy samples with the function anywhere on the stack; self: on "
        "top. Generic frames (the server's main loop, threading, asyncio) are left out of the inclusive column.",
        "",
    ]  # fmt: skip
    for recording in recordings:
        if recording.wait():
            lines += summary(recording.name, load(recording.raw))
        else:
            lines += [f"### {recording.name}", "", f"py-spy wrote nothing; see {recording.raw.parent}.", ""]
    return "\n".join(lines)
