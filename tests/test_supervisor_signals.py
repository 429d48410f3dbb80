"""The supervisor as a process: whatever signal ends it, the services it started end with it."""

import json
import os
import signal
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT
from bot.stack import free_port
from bot.supervision import STATE_FILE
from tests.processes import gone, wait_gone

# A supervisor of one tiny HTTP server, as `run` supervises its three (each in a session of its own).
SUPERVISE = """
import asyncio, sys
from dataclasses import replace
from pathlib import Path
from bot.settings import Settings
from bot.supervision import Service, Supervisor
port, var_dir = sys.argv[1], Path(sys.argv[2])
serve = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", port]
settings = replace(Settings.from_env({}), var_dir=var_dir, startup_timeout_seconds=30)
sup = Supervisor(settings, [[Service("web", serve, f"http://127.0.0.1:{port}/")]], "Everything is running")
raise SystemExit(asyncio.run(sup.run()))
"""


@pytest.mark.parametrize(
    ("sig", "exit_code"),
    [
        # SIGHUP: the terminal running `make run` was closed. The services are in sessions of their own, so the
        # terminal's hang-up reaches only the supervisor: it must stop them, or they run on with nobody watching.
        (signal.SIGHUP, 0),
        (signal.SIGTERM, 0),
        (signal.SIGINT, 0),
        # SIGKILL, or the out-of-memory killer: the supervisor cannot stop anything, so each service is bound to it
        # (bot/parent_bound.py) and the kernel ends it, rather than leaving it running on its port unwatched.
        (signal.SIGKILL, -signal.SIGKILL),
    ],
)
def test_the_services_end_with_the_supervisor_whatever_signal_ends_it(sig, exit_code, tmp_path):
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISE, str(free_port()), str(tmp_path)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    child = None
    try:
        assert "Everything is running" in supervisor.stdout.readline() + supervisor.stdout.readline()
        child = json.loads((tmp_path / STATE_FILE).read_text())["web"]
        supervisor.send_signal(sig)
        supervisor.wait(timeout=30)
        # The supervisor reaps it before exiting, or the kernel signals it at once: allow for a slow machine.
        assert wait_gone(child), "the service outlived its supervisor"
        assert supervisor.returncode == exit_code
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        if child is not None and not gone(child):
            os.killpg(child, signal.SIGKILL)  # a failed run leaves nothing behind
