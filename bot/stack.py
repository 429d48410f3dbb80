"""The real stack on free ports and a throwaway database (`python -m bot run`), for end-to-end tests and the bench."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT, Settings
from bot.supervision import STATE_FILE


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    """A running Rasa + action server + web app, talked to over HTTP like a browser would."""

    settings: Settings
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str]

    def request(self, method: str, path: str, body: Any = None, timeout: float = 60) -> tuple[int, Any]:
        """Send a JSON request to the web app; returns (status, decoded body)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.settings.web_port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (our own http://127.0.0.1)
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def chat(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Post one message through /api/chat and return the bot's messages."""
        status, body = self.request("POST", "/api/chat", {"sender": sender, "message": message})
        assert status == 200, (status, body)
        return body

    def pids(self) -> dict[str, int]:
        """Each service's current process id, as the supervisor last wrote it."""
        path = self.settings.var_dir / STATE_FILE
        return json.loads(path.read_text()) if path.is_file() else {}

    def healthy(self) -> bool:
        """Whether /healthz answers 200 (the database, Rasa and the action server all answer)."""
        try:
            return self.request("GET", "/healthz", timeout=10)[0] == 200
        except OSError:  # the web app itself is down or restarting
            return False

    def log(self) -> str:
        """Everything the services printed so far."""
        return self.log_path.read_text(errors="replace")

    def command(self, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run `python -m bot ARGS` on this stack's database and settings (purge, subject...)."""
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], env={**self.env, **(extra_env or {})}, cwd=PROJECT_ROOT,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    def stop(self, timeout: float = 60) -> int:
        """Ctrl-C the supervisor and return its exit code (killed, with its services, if it does not stop)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                # Each service leads a session of its own: killing the supervisor's group would leave them running.
                for pid in self.pids().values():
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(pid, signal.SIGKILL)
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


def start_stack(work_dir: Path, extra_env: dict[str, str] | None = None, database_url: str = "") -> Stack:
    """Migrate and fill a fresh database, then start `python -m bot run` and wait until healthy.

    The database is a new SQLite file in work_dir, or `database_url` (an empty PostgreSQL database: the
    caller makes a fresh one per stack and drops it afterwards).
    """
    env = {
        **os.environ,
        "BOT_VAR_DIR": str(work_dir),
        "DATABASE_URL": database_url,
        "BOT_WEB_PORT": str(free_port()),
        "BOT_RASA_PORT": str(free_port()),
        "BOT_ACTIONS_PORT": str(free_port()),
        # The probes send many messages from one address, one after another: the limits have their own tests.
        "BOT_CHAT_RATE_PER_MINUTE": "100000",
        "BOT_CHAT_RATE_PER_ADDRESS": "100000",
        "BOT_CHAT_RATE_GLOBAL": "100000",
        # A hung service is found within 3 probes of 3 s, 2 s apart (the fault tests wait for it).
        "BOT_HEALTH_INTERVAL": "2",
        "BOT_HEALTH_TIMEOUT": "3",
        # Known to the tests too, which read Rasa's tracker on loopback as the web app does.
        "BOT_RASA_TOKEN": secrets.token_urlsafe(24),
        **(extra_env or {}),
    }
    settings = Settings.from_env(env)
    bot = [sys.executable, "-m", "bot"]
    # A throwaway database for tests and the bench: its demo data is wanted whatever BOT_ENV says.
    for step in (["db", "upgrade"], ["demo-data", "--force"]):
        subprocess.run([*bot, *step], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    log_path = work_dir / "stack.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*bot, "run"], env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    stack = Stack(settings, process, log_path, env)
    deadline = time.monotonic() + settings.startup_timeout_seconds
    while "Everything is running" not in stack.log():
        if process.poll() is not None or time.monotonic() > deadline:
            stack.stop()
            raise RuntimeError(f"the stack did not start:\n{stack.log()[-5000:]}")
        time.sleep(0.5)
    return stack
