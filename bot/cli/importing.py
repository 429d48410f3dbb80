"""The `<topic> import FILE.csv` command every importer shares: one transaction, a summary, bad lines listed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import run_once
from bot.services.csv_import import ImportFileError, ImportReport, read_export
from bot.settings import Settings

EXIT_OK = 0
EXIT_BAD_ROWS = 1  # the good rows loaded, but some rows were refused: a scheduled import should notice
EXIT_BAD_FILE = 2  # nothing loaded

Importer = Callable[[AsyncSession, str], Awaitable[ImportReport]]


def add_import_command(
    commands: argparse._SubParsersAction, *, what: str, columns: Sequence[str], label: str, importer: Importer
) -> None:
    """Add `import FILE.csv` to a topic's subcommands, loading with importer in one unit of work."""
    load = commands.add_parser(
        "import",
        help=f"load (upsert by reference) {what}",
        description=f"Columns: {','.join(columns)}. Re-importing updates {label} by reference.",
        epilog=(
            f"Exit status: {EXIT_OK} all rows loaded; {EXIT_BAD_ROWS} some rows were refused (listed with their "
            f"line numbers) and the others loaded; {EXIT_BAD_FILE} the file could not be read and nothing loaded."
        ),
    )
    load.add_argument("file", type=Path, metavar="FILE.csv")
    load.set_defaults(handler=lambda args, settings: _import(args.file, settings, label, importer))


def _import(path: Path, settings: Settings, label: str, importer: Importer) -> int:
    try:
        text = read_export(path)
        report = asyncio.run(run_once(settings, lambda session: importer(session, text)))
    except ImportFileError as exc:
        print(f"error: {exc}; nothing was imported", file=sys.stderr)
        return EXIT_BAD_FILE
    print(
        f"{label}: {report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} bad row(s)"
    )
    for error in report.errors:
        print(f"line {error.line}: {error.reason}", file=sys.stderr)
    return EXIT_BAD_ROWS if report.errors else EXIT_OK
