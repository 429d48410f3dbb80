"""The tracker store's tables and connections (SQLAlchemy 1.4, the Rasa environment's).

`events` keeps the shape of Rasa's SQL tracker store, so conversations stored before stay readable and the
web app reads transcripts the same way. `tracker_senders` is the store's own: one row per conversation with
what it has stored (the current session's first row, how many events), a version that changes on every
write (how a cached tracker is validated in one indexed read), and whether form values are still held.
Whoever changes a conversation's events elsewhere (forgetting, retention, erasure) deletes or bumps its row.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from rasa_addons.forgetting import TABLE as FORGOTTEN_TABLE
from rasa_addons.forgetting import lock_key

METADATA = sa.MetaData()
EVENTS = sa.Table(
    "events",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
SENDERS = sa.Table(
    "tracker_senders",
    METADATA,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("session_start_id", sa.Integer, nullable=False, default=0),  # events.id where the session starts
    sa.Column("stored", sa.Integer, nullable=False, default=0),  # events stored in the current session
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("form_values", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.Float, nullable=False, index=True),  # Unix time of the last write
)
# Created by the web app's migrations (bot/db/migrations); the store only reads it.
FORGOTTEN = sa.Table(
    FORGOTTEN_TABLE,
    sa.MetaData(),
    sa.Column("sender_hash", sa.String(64), primary_key=True),
    sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=False),
)


# One SQLite engine's writers in this process queue on a lock of the process: each is woken as soon as the one
# before it commits, where SQLite's own busy handler would have them poll the file lock, sleeping up to 100 ms
# between tries, and under load some waited over the web app's 4 s (a 504) while others went first. Rasa saves
# each turn from a thread of its own. Other processes (the web app, the action server) still meet the file lock.
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # Deleted and rewritten rows are overwritten with zeros, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


# Each engine's connections: SQL_POOL_SIZE kept open, SQL_MAX_OVERFLOW more while busy (the names Rasa's own SQL
# tracker store reads; the scale shape sets them, bot/scale/shape.py). Unset: SQLAlchemy's defaults.
POOL_SIZE, MAX_OVERFLOW = 5, 10


def _pool_setting(environ: Mapping[str, str], name: str, default: int, least: int) -> int:
    """An integer from the environment (at least `least`), or the default when unset or blank."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < least:
        raise ValueError(f"{name} must be at least {least}, not {number}")
    return number


def create_engine(url: str, environ: Mapping[str, str] = os.environ) -> Engine:
    """An engine for the tracker store, pool sized by SQL_POOL_SIZE and SQL_MAX_OVERFLOW, parameters never logged."""
    # Statement parameters are kept out of logs and exception texts: they hold conversations.
    # Both dialects use a QueuePool (SQLite's is chosen below: SQLAlchemy would give a file a NullPool), so both
    # take these settings. Read when Rasa makes the store, from its environment.
    pool = {
        "pool_size": _pool_setting(environ, "SQL_POOL_SIZE", POOL_SIZE, 1),
        "max_overflow": _pool_setting(environ, "SQL_MAX_OVERFLOW", MAX_OVERFLOW, 0),
    }
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url,
            future=True,
            hide_parameters=True,
            poolclass=sa.pool.QueuePool,
            **pool,
            # Threads (asyncio.to_thread) share the pool; the web app and actions write to the same file.
            connect_args={"timeout": 30, "check_same_thread": False},
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        _SQLITE_WRITERS[engine] = threading.Lock()
        return engine
    return sa.create_engine(url, future=True, hide_parameters=True, pool_pre_ping=True, **pool)


def create_tables(engine: Engine) -> None:
    """Create `events` and `tracker_senders` if missing; the forgotten table must exist (migrations made it)."""
    with contextlib.suppress(sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError):
        METADATA.create_all(engine)  # several replicas may start at once: one of them creates the tables
    if not sa.inspect(engine).has_table(FORGOTTEN_TABLE):
        raise RuntimeError(
            f"the database has no {FORGOTTEN_TABLE} table: run `python -m bot db upgrade` before starting Rasa"
        )


class CommitUnknown(Exception):
    """The connection failed during the commit: the transaction may or may not have been stored."""


class HeadGone(Exception):
    """The conversation's tracker_senders row went after the save read it: the save is undone and done again."""
    # The purge, on PostgreSQL, where the save holds the conversation's advisory lock but not the row.


@contextlib.contextmanager
def conversation_transaction(engine: Engine, sender_id: str) -> Iterator[Connection]:
    """One write transaction on a conversation, serialised with forgetting it.

    SQLite: BEGIN IMMEDIATE takes the database's write lock before anything is read (after this process's other
    writers of the engine, in turn). PostgreSQL: the conversation's advisory lock, which the web app's forget
    takes too. A failure while committing is raised as CommitUnknown: unlike a failure before it, it is not safe
    to try again.
    """
    with _SQLITE_WRITERS.get(engine) or contextlib.nullcontext(), engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_key(sender_id))))
        yield connection
        try:
            connection.commit()
        except sa.exc.DBAPIError as exc:
            raise CommitUnknown("the connection failed while committing") from exc


def checkpoint(engine: Engine) -> None:
    """SQLite: move the write-ahead log into the database and empty it, so rewritten rows leave no old copy."""
    if engine.dialect.name != "sqlite":
        return
    with contextlib.suppress(sa.exc.OperationalError), engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
