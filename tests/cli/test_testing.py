"""The held-out NLU check: which targets a `rasa test nlu` intent report misses."""

import os
import signal
import subprocess
import sys

from bot.cli.testing import NLU_TARGETS, exit_status, nlu_failures, stop
from bot.settings import PROJECT_ROOT


def report(macro_f1: float, oos: float, emergency: float) -> dict:
    """An intent report shaped like Rasa's intent_report.json."""
    return {
        "accuracy": macro_f1,
        "macro avg": {"precision": 1.0, "recall": 1.0, "f1-score": macro_f1, "support": 100},
        "out_of_scope": {"precision": 1.0, "recall": oos, "f1-score": oos, "support": 40},
        "emergency": {"precision": 1.0, "recall": emergency, "f1-score": emergency, "support": 8},
    }


def test_a_report_that_meets_every_target_passes():
    assert nlu_failures(report(0.985, 0.95, 1.0)) == []


def test_one_missed_emergency_fails_however_good_the_rest():
    assert nlu_failures(report(0.99, 1.0, 0.875)) == ["emergency_recall 0.875 < 1.00"]


def test_every_missed_target_is_named():
    failures = nlu_failures(report(0.5, 0.5, 0.5))
    assert [line.split()[0] for line in failures] == list(NLU_TARGETS)


def test_a_report_without_the_intents_fails_rather_than_passing_silently():
    assert len(nlu_failures({"accuracy": 1.0})) == len(NLU_TARGETS)


def test_a_child_killed_by_a_signal_is_128_plus_the_signal_not_an_ordinary_code():
    assert exit_status(-signal.SIGKILL) == 137
    assert exit_status(1) == 1 and exit_status(0) == 0


def test_rasa_killed_during_the_nlu_check_fails_it_with_the_signals_status(tmp_path):
    # `rasa test nlu` killed (out of memory, say): make test must fail, and the status must say it was a signal.
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    fake_rasa = tmp_path / "rasa"
    fake_rasa.write_text("#!/bin/sh\nkill -9 $$\n")
    fake_rasa.chmod(0o755)
    env = {**os.environ, "BOT_VAR_DIR": str(tmp_path), "BOT_MODEL": str(model), "BOT_RASA_BIN": str(fake_rasa)}
    result = subprocess.run([sys.executable, "-m", "bot", "test-nlu"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 128 + signal.SIGKILL, result.stderr


def test_a_server_that_ignores_sigterm_is_killed_after_its_grace():
    ignoring = subprocess.Popen(
        [sys.executable, "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
         "print('ready', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert ignoring.stdout is not None and ignoring.stdout.readline() == b"ready\n"  # its handler is in place
    stop(ignoring, grace=0.5)
    assert ignoring.returncode == -signal.SIGKILL
