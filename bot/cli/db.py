"""`db upgrade` and `db downgrade`: Alembic migrations."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from alembic.util import CommandError

from bot.db import migrate
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the db subcommands."""
    parser = subparsers.add_parser("db", help="database migrations")
    db_commands = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_commands.add_parser("upgrade", help="apply migrations (default: up to the newest)")
    up.add_argument("revision", nargs="?", default="heads")
    up.set_defaults(handler=_upgrade)
    down = db_commands.add_parser("downgrade", help="revert migrations down to a revision")
    down.add_argument("revision", help='a revision id, "-1", or "base" for all')
    down.set_defaults(handler=_downgrade)


def _migrate(step: Callable[[Settings, str], None], settings: Settings, revision: str) -> int:
    """Run one migration step; an unknown or unreachable revision is an error message (exit 1), not a traceback."""
    try:
        step(settings, revision)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"database at {revision}")
    return 0


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    return _migrate(migrate.upgrade, settings, args.revision)


def _downgrade(args: argparse.Namespace, settings: Settings) -> int:
    return _migrate(migrate.downgrade, settings, args.revision)
