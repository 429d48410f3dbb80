"""Speed-ups for the Rasa server that keep its behaviour: applied by rasa_addons/runtime/server.py before Rasa starts.

The profile of `make bench` (bench/reports/) showed Rasa 3.6 spending about a third of its CPU under load in
`jsonschema.validate` on every action server response: that function checks the schema itself against the
JSON Schema meta-schema before each validation. Here the schema is checked once and its validator kept, and
every response is still validated the same way, raising the same error with the same message.

SQLite (the single-machine default, one file shared with our app): Rasa's connections get the settings ours
have (bot/db/engine.py): WAL, and synchronous=NORMAL, which syncs at checkpoints rather than at every commit.
A crash of any process loses nothing; a power cut or OS crash can roll back the last commits.
"""

from __future__ import annotations

from typing import Any

_applied = False


def _validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # what jsonschema.validate does on every call, done once
    return cls(schema)


def _sqlite_settings(dbapi_connection: Any, _record: object) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def apply() -> None:
    """Reuse one checked validator for action responses; give every SQLite connection WAL and NORMAL sync."""
    global _applied
    if _applied:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _sqlite_settings)
    from jsonschema import exceptions
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    validator = _validator()

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = exceptions.best_match(validator.iter_errors(result))  # as jsonschema.validate picks it
        if error is not None:
            error.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    _applied = True
