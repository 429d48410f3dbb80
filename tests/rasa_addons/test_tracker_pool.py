"""The tracker store's connection pools follow SQL_POOL_SIZE and SQL_MAX_OVERFLOW (the scale shape sets them)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from rasa_addons import tracker_tables

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("tracker_pool_probe.py")


def _pools(tmp_path: Path, **env: str) -> dict[str, dict]:
    """What the store made in Rasa's environment, with these variables (and none of the caller's)."""
    base = {k: v for k, v in os.environ.items() if k not in ("SQL_POOL_SIZE", "SQL_MAX_OVERFLOW")}
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), str(PROBE), str(tmp_path / "bot.db")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**base, **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_store_made_by_rasa_sizes_its_pools_from_the_environment(tmp_path):
    pools = _pools(tmp_path, SQL_POOL_SIZE="10", SQL_MAX_OVERFLOW="20")
    assert pools["sqlite"] == {"class": "QueuePool", "size": 10, "overflow": 20}
    assert pools["postgresql"] == {"class": "QueuePool", "size": 10, "overflow": 20}


def test_unset_they_are_five_and_ten_as_before(tmp_path):
    pools = _pools(tmp_path)
    assert pools["sqlite"] == pools["postgresql"] == {"class": "QueuePool", "size": 5, "overflow": 10}


@pytest.mark.parametrize(("env", "message"), [
    ({"SQL_POOL_SIZE": "ten"}, "SQL_POOL_SIZE must be a whole number, not 'ten'"),
    ({"SQL_MAX_OVERFLOW": "2.5"}, "SQL_MAX_OVERFLOW must be a whole number, not '2.5'"),
    ({"SQL_POOL_SIZE": "0"}, "SQL_POOL_SIZE must be at least 1, not 0"),
    ({"SQL_MAX_OVERFLOW": "-1"}, "SQL_MAX_OVERFLOW must be at least 0, not -1"),
])  # fmt: skip
def test_a_setting_that_is_not_a_usable_number_is_named(tmp_path, env, message):
    with pytest.raises(ValueError, match=message):
        tracker_tables.create_engine(f"sqlite:///{tmp_path}/bot.db", env)


def test_a_blank_setting_is_the_default(tmp_path):
    blank = {"SQL_POOL_SIZE": " ", "SQL_MAX_OVERFLOW": ""}
    engine = tracker_tables.create_engine(f"sqlite:///{tmp_path}/bot.db", blank)
    assert (engine.pool.size(), engine.pool._max_overflow) == (5, 10)
    engine.dispose()
