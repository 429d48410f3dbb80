"""The command line: one module per topic, each registering its subcommands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import ssl
import sys
from collections.abc import Sequence

import asyncpg
from sqlalchemy.exc import DBAPIError

from bot.cli import cases, db, demo, privacy, property, running, scale, staff, testing
from bot.settings import Settings, SettingsError
from rasa_addons import log_redaction

# Each module exposes register(subparsers); its handlers take (args, settings) and return an exit code.
COMMAND_MODULES = (running, db, demo, staff, testing, cases, property, privacy, scale)
# PostgreSQL's SQLSTATE for "relation does not exist".
UNDEFINED_TABLE = "42P01"
# What connecting to the database raises: refused, unknown host, TLS, no answer, or PostgreSQL refusing us.
UNREACHABLE = (ConnectionError, socket.gaierror, ssl.SSLError, asyncio.TimeoutError, asyncpg.PostgresError,
               asyncpg.InterfaceError)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="The Hertfordshire public contact assistant.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, read the settings and run the chosen command."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_redaction.install()  # every log line of this process (web app, CLI, supervisor) goes through redaction
    try:
        return int(args.handler(args, settings) or 0)
    except DBAPIError as exc:
        print(f"error: {database_error(exc)}", file=sys.stderr)
        return 1
    except UNREACHABLE as exc:
        # Raised as they are by the drivers' connect (SQLAlchemy wraps only a statement's errors): the database
        # server is down, or DATABASE_URL names a wrong host, port, database, user or password.
        print(f"error: cannot connect to the database: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a port in use (`web`), a file that cannot be written: the system's words suffice
        print(f"error: {exc}", file=sys.stderr)
        return 1


def is_missing_table(exc: DBAPIError) -> bool:
    """Whether the database refused a statement because a table does not exist (it was never migrated)."""
    return getattr(exc.orig, "sqlstate", None) == UNDEFINED_TABLE or str(exc.orig).startswith("no such table")


def database_error(exc: DBAPIError) -> str:
    """What to tell the operator about a failed statement, without its SQL or parameters (they may be personal)."""
    if is_missing_table(exc):
        return "the database is not set up; run python -m bot db upgrade first"
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    nature = f"{type(exc).__name__}" + (f", SQLSTATE {sqlstate}" if sqlstate else "")
    # SQLite's messages name a table, column or constraint but never a value; PostgreSQL's can quote one.
    if type(orig).__module__ == "sqlite3":
        nature += f": {orig}"
    return f"database error: {nature}"
