"""`run`: starts Rasa, the action server and the web app as one supervised group."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp

from bot import periodic
from bot.services import secret_key
from bot.settings import Settings
from bot.training import rasa_env

STOP_GRACE_SECONDS = 10
LOGGING_CONFIG = "logging.yml"  # Rasa's and the action server's logging: every record redacted


@dataclass(frozen=True)
class Service:
    """One child process and the URL that says it is ready."""

    name: str
    command: list[str]
    health_url: str


def tracker_env(settings: Settings) -> dict[str, str]:
    """Variables endpoints.yml reads: the action server and the SQL tracker store on our database."""
    url = settings.sync_database_url
    return {
        "BOT_ACTIONS_PORT": str(settings.actions_port),
        "BOT_TRACKER_DIALECT": url.split(":", 1)[0],
        "BOT_TRACKER_URL": url,
    }


def services(settings: Settings, model: Path) -> list[Service]:
    """The three services, in start order."""
    rasa = [
        str(settings.rasa_bin), "run", "--model", str(model),
        "--interface", "127.0.0.1", "--port", str(settings.rasa_port),
        "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        "--logging-config-file", LOGGING_CONFIG,
        # The HTTP API, for the web app's tracker lookups (the apology's phone number): token only, loopback only.
        "--enable-api", "--auth-token", settings.rasa_token,
    ]  # fmt: skip
    actions = [
        sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port),
        "--logging-config_file", LOGGING_CONFIG,  # sic: rasa-sdk's spelling
    ]  # fmt: skip
    web = [sys.executable, "-m", "bot", "web"]
    return [
        Service("actions", actions, f"{settings.actions_url}/health"),
        Service("rasa", rasa, f"{settings.rasa_url}/"),
        Service("web", web, f"http://127.0.0.1:{settings.web_port}/healthz"),
    ]


def child_env(settings: Settings) -> dict[str, str]:
    """The environment every child gets: Rasa's needs plus loopback-only binding for the action server."""
    env = rasa_env(settings)
    env.update(tracker_env(settings))
    env["SANIC_HOST"] = "127.0.0.1"  # rasa-sdk binds 0.0.0.0 unless told otherwise
    # The children read the same settings as this process, whatever produced them.
    env.update(
        DATABASE_URL=settings.database_url,
        BOT_HOST=settings.host,
        BOT_WEB_PORT=str(settings.web_port),
        BOT_RASA_PORT=str(settings.rasa_port),
        BOT_VAR_DIR=str(settings.var_dir),
        # The key of every pseudonym: the same in every child (made once here on a first local run).
        BOT_SECRET_KEY=secret_key.resolve(settings),
        BOT_RASA_TOKEN=settings.rasa_token,
    )
    return env


class Supervisor:
    """Starts the services, waits until healthy, and stops all of them when one ends or on a signal."""

    def __init__(self, settings: Settings, model: Path) -> None:
        self.settings = settings
        self.model = model
        self.procs: dict[str, asyncio.subprocess.Process] = {}
        self.stopping = asyncio.Event()

    async def run(self) -> int:
        """Run until Ctrl-C (exit 0) or until a service dies (exit 1)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        env = child_env(self.settings)
        try:
            for service in services(self.settings, self.model):
                # Own session per child: Ctrl-C reaches only us, and we stop them in order.
                self.procs[service.name] = await asyncio.create_subprocess_exec(
                    *service.command, cwd=self.settings.project_root, env=env, start_new_session=True
                )
            ready = await self._wait_healthy()
            if ready is not True:
                print(f"error: {ready}", file=sys.stderr)
                return 1
            self._print_ready()
            # PRIVACY's periodic jobs (retention, the form sweep): started once healthy, stopped with the rest.
            jobs = periodic.start(periodic.privacy_jobs(self.settings), env, self.settings.project_root)
            try:
                return await self._watch()
            finally:
                await periodic.stop(jobs)
        finally:
            await self._stop_all()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    def _running(self) -> bool:
        return not self.stopping.is_set() and all(p.returncode is None for p in self.procs.values())

    async def _wait_healthy(self) -> bool | str:
        urls = {s.name: s.health_url for s in services(self.settings, self.model)}
        timeout = self.settings.startup_timeout_seconds
        ready = await asyncio.gather(*(wait_for_url(url, timeout, self._running) for url in urls.values()))
        if all(ready):
            return True
        if self.stopping.is_set():
            return "stopped before the services were ready"
        for name, proc in self.procs.items():
            if proc.returncode is not None:
                return f"{name} exited with code {proc.returncode} while starting; see its output above"
        return f"not healthy after {timeout}s: {', '.join(n for n, ok in zip(urls, ready, strict=True) if not ok)}"

    def _print_ready(self) -> None:
        s = self.settings
        print(
            "\nEverything is running:\n"
            f"  web app (public):  {s.web_url}/   chat: POST {s.web_url}/api/chat   health: {s.web_url}/healthz\n"
            f"  Rasa server:       {s.rasa_url}/ (loopback only)\n"
            f"  action server:     {s.actions_url}/health (loopback only)\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )

    async def _watch(self) -> int:
        waiters = {asyncio.create_task(proc.wait()): name for name, proc in self.procs.items()}
        stop = asyncio.create_task(self.stopping.wait())
        done, _ = await asyncio.wait([*waiters, stop], return_when=asyncio.FIRST_COMPLETED)
        for task in [*waiters, stop]:
            task.cancel()
        if stop in done:
            print("stopping…", flush=True)
            return 0
        name = next(waiters[t] for t in done if t in waiters)
        print(f"error: {name} exited with code {self.procs[name].returncode}; stopping the others", file=sys.stderr)
        return 1

    async def _stop_all(self) -> None:
        running = [p for p in self.procs.values() if p.returncode is None]
        for proc in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), STOP_GRACE_SECONDS)
        except asyncio.TimeoutError:
            for proc in running:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            await asyncio.gather(*(p.wait() for p in running))


async def wait_for_url(url: str, timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll a URL until it answers 200; False on timeout or as soon as alive() turns false."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as client:
        while time.monotonic() < deadline:
            if not alive():
                return False
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with client.get(url) as response:
                    if response.status == 200:
                        return True
            await asyncio.sleep(0.5)
    return False


def with_rasa_token(settings: Settings) -> Settings:
    """The settings with a token for Rasa's HTTP API: BOT_RASA_TOKEN, or a new random one for this run."""
    return settings if settings.rasa_token else replace(settings, rasa_token=secrets.token_urlsafe(32))


def run(settings: Settings, model: Path) -> int:
    """Supervise the three services until stopped."""
    return asyncio.run(Supervisor(with_rasa_token(settings), model).run())
