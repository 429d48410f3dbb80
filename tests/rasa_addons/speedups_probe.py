"""Runs in the Rasa environment for tests/rasa_addons/test_speedups.py: validates action server responses with
Rasa's own RemoteAction._validate_action_result, then with rasa_addons.speedups applied, and prints (as one
JSON object) what each said about each response and how many times each checked the schema itself against the
JSON Schema meta-schema (the slow part: 72 ms a call on this machine).

    PYTHONPATH=. .venv-rasa/bin/python tests/rasa_addons/speedups_probe.py SQLITE_FILE
"""

from __future__ import annotations

import json
import sys
from typing import Any

from jsonschema import validators
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


SCHEMA_CHECKS = [0]


def count_schema_checks() -> None:
    """Count the calls of check_schema on the validator class jsonschema picks for the action response schema."""
    cls = validators.validator_for(RemoteAction.action_response_format_spec())
    check = cls.check_schema.__func__

    def counted(klass: type, schema: Any, *args: Any, **kwargs: Any) -> None:
        SCHEMA_CHECKS[0] += 1
        check(klass, schema, *args, **kwargs)

    cls.check_schema = classmethod(counted)


def outcomes(action: RemoteAction) -> tuple[list[str], int]:
    """What the validation said about each response, and how many schema checks it took."""
    said, checks_before = [], SCHEMA_CHECKS[0]
    for response in RESPONSES:
        try:
            said.append(f"valid: {action._validate_action_result(response)}")
        except Exception as exc:  # the error itself is the observation
            said.append(f"{type(exc).__name__}: {getattr(exc, 'message', exc)}")
    return said, SCHEMA_CHECKS[0] - checks_before


def main() -> None:
    """Both ways, then print the JSON."""
    count_schema_checks()
    action = RemoteAction("validate_complaint_form", None)
    before, before_checks = outcomes(action)
    from rasa_addons.runtime import speedups

    checks = SCHEMA_CHECKS[0]
    speedups.apply()
    apply_checks = SCHEMA_CHECKS[0] - checks
    after, after_checks = outcomes(action)
    print(json.dumps({"before": before, "after": after, "before_checks": before_checks,
                      "apply_checks": apply_checks, "after_checks": after_checks,
                      "sqlite": sqlite_settings(sys.argv[1])}))  # fmt: skip


def sqlite_settings(path: str) -> list[Any]:
    """journal_mode and synchronous of a connection Rasa's way (a SQLAlchemy 1.4 engine), after apply()."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        return [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("journal_mode", "synchronous")]


if __name__ == "__main__":
    main()
