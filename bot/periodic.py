"""Periodic jobs of `run` (PRIVACY's hook in the supervisor): retention daily, the form sweep every few minutes.

Each job is a `python -m bot ...` command run as a child of the supervisor at a fixed interval, with the
children's environment; its output goes to the supervisor's. A failed run is reported and retried at the
next interval: it never stops the services.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import Settings

PURGE_EVERY = 24 * 3600.0  # retention is counted in days: once a day is enough
SWEEP_EVERY = 600.0  # forms left idle lose their values at most this long after form_idle_minutes
FIRST_RUN_AFTER = 60.0  # let the services start first


@dataclass(frozen=True)
class PeriodicJob:
    """A command to run every `every` seconds, the first time `first_after` seconds after the start."""

    name: str
    command: list[str]
    every: float
    first_after: float = FIRST_RUN_AFTER
    env: Mapping[str, str] = field(default_factory=dict)  # added to the children's environment


def privacy_jobs(settings: Settings, env: Mapping[str, str] | None = None) -> list[PeriodicJob]:
    """Retention (`purge`) daily and the sweep of idle forms (`purge --forms-only`) every ten minutes."""
    bot = [sys.executable, "-m", "bot", "purge"]
    extra = dict(env or {})  # the database the services use, when it is not the supervisor's own
    return [
        PeriodicJob("purge", bot, PURGE_EVERY, env=extra),
        PeriodicJob("form sweep", [*bot, "--forms-only"], SWEEP_EVERY, FIRST_RUN_AFTER + SWEEP_EVERY / 2, extra),
    ]


async def _run_forever(job: PeriodicJob, env: Mapping[str, str], cwd: Path) -> None:
    await asyncio.sleep(job.first_after)
    while True:
        try:
            # A session of its own, as the services have: Ctrl-C at the terminal reaches the supervisor, which
            # stops a running job itself (`stop`), rather than the job too, mid-purge, with a traceback.
            process = await asyncio.create_subprocess_exec(
                *job.command, env={**env, **job.env}, cwd=cwd, start_new_session=True
            )
        except OSError as exc:  # else this task would end, and the job never run again, without a word
            print(f"warning: periodic job {job.name!r} could not be started ({exc}); retrying in {job.every:.0f}s",
                  file=sys.stderr, flush=True)  # fmt: skip
            await asyncio.sleep(job.every)
            continue
        try:
            code = await process.wait()
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            await process.wait()
            raise
        if code != 0:
            print(f"warning: periodic job {job.name!r} exited with code {code}; retrying in {job.every:.0f}s",
                  file=sys.stderr, flush=True)  # fmt: skip
        await asyncio.sleep(job.every)


def start(jobs: list[PeriodicJob], env: Mapping[str, str], cwd: Path) -> list[asyncio.Task[None]]:
    """Start the jobs in the background (stop them with `stop`)."""
    return [asyncio.create_task(_run_forever(job, env, cwd), name=f"periodic {job.name}") for job in jobs]


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the jobs and wait for a running one's command to end."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
