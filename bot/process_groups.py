"""Signalling a supervised child and everything it started (each child leads its own process group)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal


async def kill(proc: asyncio.subprocess.Process, sig: int) -> None:
    """Send a signal to the process's group (it leads its own session), and reap it after SIGKILL."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)
    if sig == signal.SIGKILL:
        await proc.wait()


async def stop(proc: asyncio.subprocess.Process, grace: float) -> None:
    """SIGTERM (and SIGCONT, in case it was stopped), then SIGKILL after the grace period."""
    if proc.returncode is None:
        await kill(proc, signal.SIGTERM)
        await kill(proc, signal.SIGCONT)
    try:
        await asyncio.wait_for(proc.wait(), grace)
    except asyncio.TimeoutError:
        await kill(proc, signal.SIGKILL)
    # The leader may be gone while its group lives on (a child it spawned): end the group too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
