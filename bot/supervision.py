"""Keeping a group of services running: start them in stages, probe them, restart one that dies or hangs.

A service that exits (even cleanly) or stops answering its health checks is restarted after a back-off that
doubles (bot/restarts.py); after BOT_RESTART_MAX_FAILURES failures of one service within BOT_RESTART_WINDOW
seconds (or in a row without becoming healthy), everything stops and the supervisor exits 1 naming it. Ctrl-C (or
SIGTERM, SIGHUP) stops everything, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot import periodic, process_groups
from bot.probes import Health, HttpProbe, Probe
from bot.restarts import RestartPolicy
from bot.settings import Settings

STOP_GRACE_SECONDS = 10
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # each stops everything, exit 0
PARENT_BOUND = Path(__file__).with_name("parent_bound.py")  # run as a script: see _start
STATE_FILE = "supervisor.json"  # in BOT_VAR_DIR: each service's current process id, for operators and drills


@dataclass(frozen=True)
class Service:
    """One child process and how to tell that it is ready (a URL answering 200, or another probe)."""

    name: str
    command: list[str]
    health_url: str = ""
    live_url: str = ""  # any answer here means alive; defaults to health_url
    probe: Probe | None = None  # instead of the URLs, for servers that speak no HTTP
    env: Mapping[str, str] = field(default_factory=dict)  # added to the group's environment
    user: str | None = None  # run as this user (PostgreSQL refuses to run as root)

    def health(self) -> Probe:
        """The probe the supervisor uses for this service."""
        return self.probe or HttpProbe(self.health_url, self.live_url)


@dataclass(frozen=True)
class Stage:
    """Services started together; the next stage starts once all of these are ready and `then` has run."""

    services: Sequence[Service]
    then: Callable[[], Awaitable[None]] | None = None


def say(message: str) -> None:
    """One line of the supervisor's log on standard error, with the time (never personal data: names and codes)."""
    print(f"{time.strftime('%H:%M:%S')} supervisor: {message}", file=sys.stderr, flush=True)


class Supervisor:
    """Starts stages of services, waits until healthy, keeps each one running, and stops all on a signal."""

    def __init__(
        self,
        settings: Settings,
        stages: Sequence[Stage | Sequence[Service]],
        banner: str = "",
        env: Mapping[str, str] | None = None,
        jobs: Sequence[periodic.PeriodicJob] = (),
    ) -> None:
        self.settings = settings
        self.jobs = list(jobs)
        self.stages = [s if isinstance(s, Stage) else Stage(list(s)) for s in stages]
        self.banner = banner
        self.policy = RestartPolicy.from_settings(settings)
        self.env = dict(os.environ if env is None else env)
        self.procs: dict[str, asyncio.subprocess.Process] = {}
        self.ready: dict[str, asyncio.Event] = {}
        self.stopping = asyncio.Event()
        self.failure: str | None = None
        self.state_path = settings.var_dir / STATE_FILE

    async def run(self) -> int:
        """Run until Ctrl-C (exit 0) or until a service fails too often or cannot start (exit 1)."""
        loop = asyncio.get_running_loop()
        # SIGHUP too: the children have sessions of their own, so a closed terminal hangs up only on us, and
        # dying of it would leave them running with nobody watching.
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self.stopping.set)
        keepers: list[asyncio.Task[None]] = []
        jobs: list[asyncio.Task[None]] = []
        try:
            async with aiohttp.ClientSession() as client:
                for stage in self.stages:
                    for service in stage.services:
                        self.ready[service.name] = asyncio.Event()
                        keepers.append(asyncio.create_task(self._keep(service, client)))
                    if not await self._until_ready(stage):
                        break
                    if stage.then is not None:
                        await self._then(stage)
                else:
                    if not self.stopping.is_set():
                        # Periodic jobs (the purge, the form sweep) only once everything is healthy.
                        jobs = periodic.start(self.jobs, self.env, self.settings.project_root)
                        print(self.banner, flush=True)
                await self.stopping.wait()
                await asyncio.gather(*keepers)
        finally:
            self.stopping.set()
            await periodic.stop(jobs)
            await self._stop_all()
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)
            with contextlib.suppress(FileNotFoundError):
                self.state_path.unlink()
        if self.failure:
            print(f"error: {self.failure}", file=sys.stderr, flush=True)
            return 1
        if not all(event.is_set() for event in self.ready.values()):
            print("error: stopped before the services were ready", file=sys.stderr, flush=True)
            return 1
        print("stopping…", flush=True)
        return 0

    def fail(self, reason: str) -> None:
        """Stop everything, exiting 1 with this reason (the first one wins)."""
        if self.failure is None:
            self.failure = reason
        self.stopping.set()

    async def _until_ready(self, stage: Stage) -> bool:
        """Wait until every service of the stage is ready; False if stopping first."""
        all_ready = asyncio.gather(*(self.ready[s.name].wait() for s in stage.services))
        stop = asyncio.create_task(self.stopping.wait())
        await asyncio.wait([all_ready, stop], return_when=asyncio.FIRST_COMPLETED)
        for future in (all_ready, stop):
            future.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await future
        return not self.stopping.is_set()

    async def _then(self, stage: Stage) -> None:
        assert stage.then is not None
        try:
            await stage.then()
        except Exception as exc:  # a failed preparation step (migrations) stops everything, naming it
            self.fail(f"{type(exc).__name__}: {exc}")

    async def _keep(self, service: Service, client: aiohttp.ClientSession) -> None:
        """Start the service, watch it, and restart it after each failure until stopping."""
        restarts = 0
        while not self.stopping.is_set():
            try:
                proc = await self._start(service)
            except OSError as exc:
                self.fail(f"{service.name} could not be started: {exc}")
                return
            if restarts:
                say(f"{service.name} restarted (pid {proc.pid}, restart {restarts})")
            healthy = asyncio.Event()
            reason = await self._watch(service, proc, client, healthy)
            if reason is None:
                return
            await process_groups.kill(proc, signal.SIGKILL)  # a hung one is still there; a dead one leaves its group
            delay = self.policy.failed(service.name, time.monotonic(), was_healthy=healthy.is_set())
            window = f"within {self.policy.window_seconds:g}s"
            if self.policy.in_a_row(service.name) > self.policy.recent(service.name, time.monotonic()):
                window = "in a row without becoming healthy"
            if delay is None:
                self.fail(f"{service.name} failed {self.policy.max_failures} times {window} (last: {reason}); "
                          "stopped everything")  # fmt: skip
                return
            restarts += 1
            count = max(self.policy.recent(service.name, time.monotonic()), self.policy.in_a_row(service.name))
            say(f"{service.name} {reason}; restarting in {delay:g}s (failure {count} of "
                f"{self.policy.max_failures} allowed {window})")  # fmt: skip
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), delay)

    async def _start(self, service: Service) -> asyncio.subprocess.Process:
        # Own session per child: Ctrl-C reaches only us, and we stop each group in order. Bound to us
        # (bot/parent_bound.py), so that if we are killed outright the child ends too; not a child run as another
        # user (PostgreSQL in scale-demo), which may not be able to read our files.
        command = service.command if service.user else [sys.executable, str(PARENT_BOUND), str(os.getpid()),
                                                         *service.command]  # fmt: skip
        proc = await asyncio.create_subprocess_exec(
            *command, cwd=self.settings.project_root, env={**self.env, **service.env},
            start_new_session=True, user=service.user,
        )  # fmt: skip
        self.procs[service.name] = proc
        self._write_state()
        return proc

    async def _watch(
        self, service: Service, proc: asyncio.subprocess.Process, client: aiohttp.ClientSession, healthy: asyncio.Event
    ) -> str | None:
        """Why this process failed (exited, never ready, hung), or None when the group is stopping; sets healthy."""
        exited = asyncio.create_task(proc.wait())
        monitor = asyncio.create_task(self._monitor(service, client, healthy))
        stop = asyncio.create_task(self.stopping.wait())
        done, _ = await asyncio.wait([exited, monitor, stop], return_when=asyncio.FIRST_COMPLETED)
        for task in (exited, monitor, stop):
            task.cancel()
        if stop in done:
            return None
        if exited in done:
            return f"exited with code {proc.returncode}" + ("" if healthy.is_set() else " while starting")
        return monitor.result()

    async def _monitor(self, service: Service, client: aiohttp.ClientSession, healthy: asyncio.Event) -> str:
        """Wait until ready, then probe every interval; returns why the service counts as failed."""
        s, probe = self.settings, service.health()
        deadline = time.monotonic() + s.startup_timeout_seconds
        while await probe.check(client, 2.0) is not Health.READY:
            if time.monotonic() > deadline:
                return f"was not ready {s.startup_timeout_seconds}s after starting"
            await asyncio.sleep(1.0)
        healthy.set()
        if self.ready[service.name].is_set():
            say(f"{service.name} is healthy again")
        self.ready[service.name].set()
        silent = 0
        while silent < s.health_failures:
            await asyncio.sleep(s.health_interval_seconds)
            silent = silent + 1 if await probe.check(client, s.health_timeout_seconds) is Health.DOWN else 0
        return f"stopped answering its health checks ({silent} in a row, {s.health_timeout_seconds:g}s each)"

    def _write_state(self) -> None:
        """Each service's current process id, written atomically (drills and operators signal them)."""
        state = {name: proc.pid for name, proc in self.procs.items()}
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1))
        tmp.replace(self.state_path)

    async def _stop_all(self) -> None:
        """Stop the stages in reverse order: the front first, the databases last."""
        for stage in reversed(self.stages):
            procs = [self.procs[s.name] for s in stage.services if s.name in self.procs]
            await asyncio.gather(*(process_groups.stop(proc, STOP_GRACE_SECONDS) for proc in procs))
