"""The lock store (rasa_addons/lock_store.py), run by Rasa's Python against a real Redis: what replicas see.

The probe (lock_store_probe.py) makes each store as Rasa does from endpoints.yml and reports what happened.
"""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("lock_store_probe.py")


@pytest.fixture(scope="module")
def report(redis_server):
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), str(PROBE), redis_server],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rasa_makes_it_from_the_endpoint_config_on_the_database_named(report):
    assert report["created"] == ["LivenessLockStore", 0]  # the test server's URL names database 0


def test_a_dead_replicas_ticket_is_let_go_long_before_its_lifetime(report):
    # Rasa's own store would have made the other replica wait the ticket's whole lifetime (600 s here).
    assert report["dead_holder"] == {"acquired": True, "tickets_then": 1}


def test_a_live_holder_is_waited_for_and_its_returned_lock_is_taken_then_removed(report):
    assert report["live_holder"] == {"waited_while_alive": True, "acquired_after_return": True, "keys_left": 0}


def test_replicas_issuing_and_returning_tickets_at_once_lose_none(report):
    assert report["concurrent"] == {"issued": 400, "distinct": 400, "held": 400, "keys_left": 0}
