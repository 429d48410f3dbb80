"""The shape under test: `python -m bot scale-demo --fresh` in its own directory and ports, and its processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.procs import stop_group
from bot.settings import PROJECT_ROOT
from bot.stack import free_port
from bot.supervision import STATE_FILE

STARTUP_SECONDS = 600  # two Rasa servers load the model side by side on two cores


@dataclass
class RunningShape:
    """A scale-demo started for the drills."""

    root: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def shape(self) -> dict[str, Any]:
        """shape.json: the URL, ports and database."""
        return json.loads((self.root / "shape.json").read_text())

    @property
    def url(self) -> str:
        """nginx, the public address."""
        return str(self.shape["url"])

    def web_url(self, index: int) -> str:
        """Web app `index` directly (it relays to Rasa `index`, the other one as backup)."""
        return f"http://127.0.0.1:{self.shape['ports']['web'][index]}"

    def pids(self) -> dict[str, int]:
        """Each service's current process id (the supervisor rewrites it at every restart)."""
        return json.loads((self.root / STATE_FILE).read_text())

    def signal(self, service: str, sig: int) -> int:
        """Signal one service's current process; returns its pid."""
        pid = self.pids()[service]
        os.kill(pid, sig)
        return pid

    def wait_restarted(self, service: str, old_pid: int, timeout: float = 300) -> float:
        """Seconds until the supervisor reports the service healthy again under a new pid."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.pids().get(service) not in (None, old_pid) and f"{service} is healthy again" in self.log():
                return time.monotonic() - started
            time.sleep(0.5)
        raise TimeoutError(f"{service} was not healthy again within {timeout}s")

    def log(self) -> str:
        """What the shape printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int | None:
        """Ctrl-C the supervisor (everything stops in order) and return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                stop_group(self.process, grace=5)
        return self.process.returncode


def start(root: Path, log_path: Path, replicas: int = 2) -> RunningShape:
    """Start the shape on a fresh database and wait until everything is healthy."""
    env = {
        **os.environ, "BOT_SCALE_PORT": str(free_port()), "BOT_CHAT_RATE_PER_MINUTE": "1000000",
        "BOT_VAR_DIR": str(root), "BOT_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    command = [sys.executable, "-m", "bot", "scale-demo", "--dir", str(root), "--fresh", "--replicas", str(replicas)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    running = RunningShape(root, process, log_path)
    deadline = time.monotonic() + STARTUP_SECONDS
    while "The scale demo is running" not in running.log():
        if process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"the scale demo did not start; see {log_path}:\n{running.log()[-3000:]}")
        time.sleep(1)
    return running
