"""Child processes for the bench: timed commands, process-tree memory, and clean-up."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import psutil

# Training shares the machine with other people's work: it runs at a lower priority.
NICE = ("nice", "-n", "10")


class BenchError(RuntimeError):
    """A step of the bench failed; the message says which and where its log is."""


def run_timed(command: list[str], *, cwd: Path, env: dict[str, str], log_path: Path) -> float:
    """Run a command to completion (niced, output appended to log_path) and return its wall-clock seconds."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        start = time.perf_counter()
        result = subprocess.run([*NICE, *command], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise BenchError(f"`{' '.join(command[:2])}` failed with exit code {result.returncode}; see {log_path}")
    return elapsed


def tree(pid: int) -> list[psutil.Process]:
    """The process and all its descendants (empty when it is gone)."""
    try:
        proc = psutil.Process(pid)
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and its descendants."""
    total = 0
    for proc in tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


def kill_leftovers(procs: Iterable[psutil.Process]) -> int:
    """SIGKILL whichever of these processes (and their process groups) still runs; returns how many did."""
    alive = [proc for proc in procs if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE]
    for proc in alive:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=10)
    return len(alive)


def stop_group(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM a child started in its own session, then SIGKILL its group if it does not exit in time."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
