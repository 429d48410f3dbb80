"""rasa_addons.runtime.speedups: action server responses are validated as Rasa does, errors and all, only faster.

Runs tests/rasa_addons/speedups_probe.py with the Rasa environment's Python (pytest runs in `.venv`)."""

from __future__ import annotations

from pathlib import Path

from tests.rasa_addons.probes import run_probe

PROBE = Path(__file__).with_name("speedups_probe.py")


def test_the_same_verdicts_and_messages_with_the_schema_checked_once_and_sqlite_in_wal_with_normal_sync(tmp_path):
    seen = run_probe(PROBE, str(tmp_path / "t.db"))
    assert seen["after"] == seen["before"]
    assert seen["before"][:3] == ["valid: True"] * 3
    assert all(verdict.startswith("ValidationError: ") for verdict in seen["before"][3:])
    assert all("Failed to validate Action server response" in verdict for verdict in seen["after"][3:])
    # Rasa's way checks the schema against the meta-schema on every call (the slow part); ours once, when applied.
    assert seen["before_checks"] == len(seen["before"])
    assert (seen["apply_checks"], seen["after_checks"]) == (1, 0)
    assert seen["sqlite"] == ["wal", 1]  # synchronous 1 is NORMAL (2, FULL, is SQLite's default)
