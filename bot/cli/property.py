"""`property import FILE.csv`: load the property system's export of found items for Herts Reunited searches."""

from __future__ import annotations

import argparse

from bot.cli.importing import add_import_command
from bot.services.lost_property.importer import COLUMNS, import_found_items


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the property subcommands."""
    parser = subparsers.add_parser("property", help="found property for Herts Reunited searches")
    commands = parser.add_subparsers(dest="property_command", required=True, metavar="ACTION")
    add_import_command(
        commands,
        what="an export of found items from the property system",
        columns=COLUMNS,
        label="found items",
        importer=import_found_items,
    )
