"""What every CSV importer shares: reading the file, per-line errors, the report, lookups by reference."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # ISO, or the UK day-first form spreadsheets save
_LOOKUP_CHUNK = 500  # references per IN (...) query, well under every database's parameter limit
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what ends a line of the file (a Mac export may use "\r" alone)


class ImportFileError(ValueError):
    """The file cannot be read as the expected export at all; nothing was imported."""


@dataclass(frozen=True)
class RowError:
    """A row that was not imported, with its line number in the file and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


class HasReference(Protocol):
    """A parsed row: it knows its reference."""

    reference: str


RowT = TypeVar("RowT", bound=HasReference)
ModelT = TypeVar("ModelT")


def read_export(path: Path) -> str:
    """The text of an export file, or ImportFileError when it cannot be read as UTF-8."""
    try:
        return path.read_bytes().decode("utf-8-sig")  # -sig: spreadsheets often start with a byte-order mark
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path} is not UTF-8 text (byte {exc.start})") from exc


def parse_date(value: str, name: str) -> date:
    """A date in one of DATE_FORMATS, or ValueError naming the column."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{name} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def parse_rows(
    text: str, columns: Sequence[str], parse_row: Callable[[int, dict[str, str]], RowT]
) -> tuple[list[RowT], list[RowError]]:
    """Valid rows and per-line errors; ImportFileError if the header lacks a column or the CSV is broken.

    parse_row(line, record) raises ValueError with a reason that never repeats personal data.
    """
    # A byte-order mark is no part of the first column's name (read_export drops it; text given directly may not).
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportFileError(f"the header lacks the column(s) {', '.join(missing)}; expected {','.join(columns)}")
    reader.fieldnames = header
    rows: list[RowT] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    try:
        for record in reader:
            values = [value for value in record.values() if isinstance(value, str)]
            # line_num is where the row ends; a quoted field may span lines, so count back to where it starts.
            start = reader.line_num - sum(len(_LINE_BREAK.findall(value)) for value in values)
            if not any(value.strip() for value in values):
                continue  # a row of empty cells is not an error
            try:
                row = parse_row(start, record)
            except ValueError as exc:
                errors.append(RowError(start, str(exc)))
                continue
            if row.reference in first_line:
                errors.append(RowError(start, f"reference repeats line {first_line[row.reference]}"))
                continue
            first_line[row.reference] = start
            rows.append(row)
    except csv.Error as exc:
        # The DictReader's own line_num is the last good row's; its csv.reader's is the line that broke.
        raise ImportFileError(f"line {reader.reader.line_num}: the file is not valid CSV ({exc})") from exc
    return rows, errors


async def existing_by_reference(session: AsyncSession, model: type[ModelT], references: list[str]) -> dict[str, ModelT]:
    """The rows of model whose reference is among these, by reference (chunked IN queries)."""
    column: Any = model.reference  # type: ignore[attr-defined]
    found: dict[str, ModelT] = {}
    for start in range(0, len(references), _LOOKUP_CHUNK):
        chunk = references[start : start + _LOOKUP_CHUNK]
        for row in (await session.scalars(select(model).where(column.in_(chunk)))).all():
            found[row.reference] = row  # type: ignore[attr-defined]
    return found
