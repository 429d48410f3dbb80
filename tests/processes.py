"""Watching processes from the tests: has one ended, and waiting (bounded) until it has."""

from __future__ import annotations

import os
import time


def gone(pid: int) -> bool:
    """Whether the process has ended (a zombie waiting for whoever adopted it counts as ended)."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (ProcessLookupError, FileNotFoundError):
        return True


def wait_gone(pid: int, seconds: float = 10.0) -> bool:
    """Whether the process ends within `seconds` (a bound for a slow machine, not a timing under test)."""
    deadline = time.monotonic() + seconds
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
