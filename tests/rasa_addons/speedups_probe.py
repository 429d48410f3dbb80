"""Runs in the Rasa environment for tests/rasa_addons/test_speedups.py: validates action server responses with
Rasa's own RemoteAction._validate_action_result, then with rasa_addons.speedups applied, and prints (as one
JSON object) what each said about each response and how long each took.

    PYTHONPATH=. .venv-rasa/bin/python tests/rasa_addons/speedups_probe.py SQLITE_FILE
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from rasa.core.actions.action import RemoteAction

RESPONSES: list[Any] = [
    {"events": [{"event": "slot", "name": "complaint_name", "value": "Robin"}], "responses": [{"text": "Hi"}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "slot", "name": "requested_slot", "value": None}]},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "value": "no name"}]},  # a slot event without its name
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "not a list"},
]


def outcomes(action: RemoteAction) -> tuple[list[str], float]:
    """What the validation said about each response, and the seconds for 20 rounds of all of them."""
    said = []
    for response in RESPONSES:
        try:
            said.append(f"valid: {action._validate_action_result(response)}")
        except Exception as exc:  # the error itself is the observation
            said.append(f"{type(exc).__name__}: {getattr(exc, 'message', exc)}")
    started = time.perf_counter()
    for _ in range(20):
        for response in RESPONSES:
            try:
                action._validate_action_result(response)
            except Exception:  # timed, not observed
                pass
    return said, time.perf_counter() - started


def main() -> None:
    """Both ways, then print the JSON."""
    action = RemoteAction("validate_complaint_form", None)
    before, before_seconds = outcomes(action)
    from rasa_addons.runtime import speedups

    speedups.apply()
    after, after_seconds = outcomes(action)
    print(json.dumps({"before": before, "after": after, "before_seconds": before_seconds,
                      "after_seconds": after_seconds, "sqlite": sqlite_settings(sys.argv[1])}))  # fmt: skip


def sqlite_settings(path: str) -> list[Any]:
    """journal_mode and synchronous of a connection Rasa's way (a SQLAlchemy 1.4 engine), after apply()."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        return [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("journal_mode", "synchronous")]


if __name__ == "__main__":
    main()
