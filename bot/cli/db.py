"""`db upgrade` and `db downgrade`: Alembic migrations."""

from __future__ import annotations

import argparse

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


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate.upgrade(settings, args.revision)
    print(f"database at {args.revision}")
    return 0


def _downgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate.downgrade(settings, args.revision)
    print(f"database at {args.revision}")
    return 0
