"""`property import FILE.csv`: load the property system's export of found items for Herts Reunited searches."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.services.lost_property_import import COLUMNS, ImportFileError, ImportReport, import_found_items, read_export
from bot.settings import Settings

EXIT_OK = 0
EXIT_BAD_ROWS = 1  # the good rows loaded, but some rows were refused: a scheduled import should notice
EXIT_BAD_FILE = 2  # nothing loaded


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the property subcommands."""
    parser = subparsers.add_parser("property", help="found property for Herts Reunited searches")
    commands = parser.add_subparsers(dest="property_command", required=True, metavar="ACTION")
    load = commands.add_parser(
        "import",
        help="load (upsert by reference) an export of found items from the property system",
        description=f"Columns: {','.join(COLUMNS)}. Re-importing updates items by reference.",
        epilog=(
            f"Exit status: {EXIT_OK} all rows loaded; {EXIT_BAD_ROWS} some rows were refused (listed with their "
            f"line numbers) and the others loaded; {EXIT_BAD_FILE} the file could not be read and nothing loaded."
        ),
    )
    load.add_argument("file", type=Path, metavar="FILE.csv")
    load.set_defaults(handler=_import)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        report = asyncio.run(_run_import(settings, read_export(args.file)))
    except ImportFileError as exc:
        print(f"error: {exc}; nothing was imported", file=sys.stderr)
        return EXIT_BAD_FILE
    print(
        f"found items: {report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} bad row(s)"
    )
    for error in report.errors:
        print(f"line {error.line}: {error.reason}", file=sys.stderr)
    return EXIT_BAD_ROWS if report.errors else EXIT_OK


async def _run_import(settings: Settings, text: str) -> ImportReport:
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            return await import_found_items(session, text)
    finally:
        await engine.dispose()
