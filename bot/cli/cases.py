"""`cases import FILE.csv`: load an export of the police records system for Track My Crime."""

from __future__ import annotations

import argparse

from bot.cli.importing import add_import_command
from bot.services.cases.importer import COLUMNS, import_cases


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the cases subcommands."""
    parser = subparsers.add_parser("cases", help="cases for Track My Crime")
    commands = parser.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    add_import_command(
        commands, what="an export of the records system", columns=COLUMNS, label="cases", importer=import_cases
    )
