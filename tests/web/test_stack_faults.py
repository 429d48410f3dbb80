"""End to end: each service of the real stack killed (SIGKILL) or hung (SIGSTOP) is restarted by the supervisor,
and the conversation carries on. All three at once per signal, to keep `make test` short."""

import os
import re
import signal
import time
import uuid

import pytest

pytestmark = pytest.mark.stack

SERVICES = ("actions", "rasa", "web")
# A hung service is found after 3 silent probes (3 s each, 2 s apart: bot/stack.py), then restarted;
# Rasa takes the longest to come back, loading the model.
RECOVERY_SECONDS = 300
# From SIGSTOP to the restart: 3 probes × (2 s apart + 3 s timeout), the 1 s back-off, and slack for a busy machine.
HANG_DETECTED_SECONDS = 3 * (2 + 3) + 1 + 14


def _gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _healthy_again(log):
    return {name: log.count(f"supervisor: {name} is healthy again") for name in SERVICES}


def _recovered(stack, before, seen):
    deadline = time.monotonic() + RECOVERY_SECONDS
    while time.monotonic() < deadline:
        now, again = stack.pids(), _healthy_again(stack.log())
        restarted = all(now.get(name) not in (None, before[name]) and again[name] > seen[name] for name in SERVICES)
        if restarted and stack.healthy():
            return now, RECOVERY_SECONDS - (deadline - time.monotonic())
        time.sleep(1)
    pytest.fail(f"not recovered within {RECOVERY_SECONDS}s: pids {stack.pids()} (were {before})\n{stack.log()[-3000:]}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "hung"])
def test_each_service_is_restarted_and_the_conversation_carries_on(stack, sig):
    sender = str(uuid.uuid4())
    assert stack.chat(sender, "hello")
    before, seen = stack.pids(), _healthy_again(stack.log())
    assert set(SERVICES) <= set(before)
    signalled = time.monotonic()
    for name in SERVICES:
        os.kill(before[name], sig)
    while not all(stack.pids().get(name) not in (None, before[name]) for name in SERVICES):
        assert time.monotonic() - signalled < HANG_DETECTED_SECONDS, f"not restarted yet: {stack.pids()}"
        time.sleep(0.5)
    _, seconds = _recovered(stack, before, seen)
    assert all(_gone(before[name]) for name in SERVICES), "a hung process was left behind"
    log = stack.log()
    reason = "stopped answering its health checks" if sig == signal.SIGSTOP else "exited with code -9"
    for name in SERVICES:
        assert re.search(rf"supervisor: {name} {reason}[^\n]*; restarting in", log), name
    # The conversation is in the tracker store, so it carries on where it was.
    replies = stack.chat(sender, "what can you do?")
    assert replies and replies[0].get("text"), replies
    assert stack.process.poll() is None, "the supervisor itself stopped"
    print(f"recovered from {signal.Signals(sig).name} in {seconds:.0f}s")
