"""Stopping the end-to-end stack: a supervisor that will not stop is killed, and its services with it."""

import json
import os
import signal
import subprocess
import sys
from dataclasses import replace

from bot.settings import Settings
from bot.stack import Stack
from bot.supervision import STATE_FILE
from tests.processes import gone, wait_gone

# A supervisor that ignores Ctrl-C (stuck), with one service in a session of its own, as `run` starts them.
STUCK = """
import json, signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
open(sys.argv[1], "w").write(json.dumps({"rasa": child.pid}))
print("ready", flush=True)
time.sleep(600)
"""


def test_a_stuck_supervisor_is_killed_with_its_services(tmp_path):
    state = tmp_path / STATE_FILE
    process = subprocess.Popen([sys.executable, "-c", STUCK, str(state)], stdout=subprocess.PIPE, text=True,
                               start_new_session=True)  # fmt: skip
    child = None
    try:
        assert process.stdout.readline() == "ready\n"
        child = json.loads(state.read_text())["rasa"]
        stack = Stack(replace(Settings.from_env({}), var_dir=tmp_path), process, tmp_path / "log", {})
        assert stack.stop(timeout=0.5) == -signal.SIGKILL
        # Killed at once; the init process reaps it, which may take a moment.
        assert wait_gone(child), "a service outlived the stack"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if child is not None and not gone(child):
            os.killpg(child, signal.SIGKILL)
