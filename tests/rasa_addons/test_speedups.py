"""rasa_addons.runtime.speedups: action server responses are validated as Rasa does, errors and all, only faster.

Runs tests/rasa_addons/speedups_probe.py with the Rasa environment's Python (pytest runs in `.venv`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings
from bot.training import rasa_env

PROBE = Path(__file__).with_name("speedups_probe.py")


def _probe(tmp_path: Path) -> dict:
    settings = Settings.from_env()
    python = settings.rasa_bin.parent / "python"
    assert python.exists(), f"{python} is missing: `make setup` creates the Rasa environment"
    command = [str(python), str(PROBE), str(tmp_path / "t.db")]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_env(settings), capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_same_verdicts_and_messages_with_the_schema_checked_once_and_sqlite_in_wal_with_normal_sync(tmp_path):
    seen = _probe(tmp_path)
    assert seen["after"] == seen["before"]
    assert seen["before"][:3] == ["valid: True"] * 3
    assert all(verdict.startswith("ValidationError: ") for verdict in seen["before"][3:])
    assert all("Failed to validate Action server response" in verdict for verdict in seen["after"][3:])
    # Rasa's way checks the schema against the meta-schema on every call (the slow part); ours once, when applied.
    assert seen["before_checks"] == len(seen["before"])
    assert (seen["apply_checks"], seen["after_checks"]) == (1, 0)
    assert seen["sqlite"] == ["wal", 1]  # synchronous 1 is NORMAL (2, FULL, is SQLite's default)
