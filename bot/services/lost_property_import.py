"""Import of the property system's found-items export (CSV): good rows upsert by reference, bad rows by line.

Error reasons never repeat a description or a place (they can hold personal data), so a report is safe to print.
The file reading and report types are the case importer's (bot.services.cases_import).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import FoundItem
from bot.services import audit
from bot.services.cases_import import ImportFileError, ImportReport, RowError, read_export
from bot.services.lost_property import CATEGORIES, LostPropertyError, normalise_category

__all__ = ["COLUMNS", "ImportFileError", "ImportReport", "RowError", "import_found_items", "parse_export",
           "read_export"]

COLUMNS = ("reference", "category", "description", "colour", "brand", "found_on", "found_at", "held_at",
           "dispose_after")
_MAX_LENGTHS = {"reference": 30, "description": 500, "colour": 60, "brand": 80, "found_at": 200, "held_at": 120}
_REQUIRED = ("reference", "description", "found_at", "held_at")
_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/\-_.]*$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # ISO, or the UK day-first form spreadsheets save
_LOOKUP_CHUNK = 500  # references per IN (...) query, well under every database's parameter limit
_FIELDS = ("category", "description", "colour", "brand", "found_on", "found_at", "held_at", "dispose_after")


@dataclass(frozen=True)
class FoundRow:
    """One valid, normalised row of the export."""

    line: int
    reference: str
    category: str
    description: str
    colour: str
    brand: str
    found_on: date
    found_at: str
    held_at: str
    dispose_after: date


def _date(value: str, name: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{name} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _parse_row(line: int, record: dict[str, str], today: date) -> FoundRow:
    values = {name: " ".join((record.get(name) or "").split()) for name in COLUMNS}
    for name in _REQUIRED:
        if not values[name]:
            raise ValueError(f"{name} is empty")
    for name, limit in _MAX_LENGTHS.items():
        if len(values[name]) > limit:
            raise ValueError(f"{name} is longer than {limit} characters")
    reference = values["reference"].upper()
    if not _REFERENCE.match(reference):
        raise ValueError("reference may only hold letters, digits and / - _ .")
    try:
        category = normalise_category(values["category"])
    except LostPropertyError as exc:
        expected = ", ".join(CATEGORIES)
        raise ValueError(f"unknown category {values['category'][:40]!r} (expected one of {expected})") from exc
    found_on = _date(values["found_on"], "found_on")
    if found_on > today:
        raise ValueError("found_on is in the future")
    dispose_after = _date(values["dispose_after"], "dispose_after")
    if dispose_after < found_on:
        raise ValueError("dispose_after is before found_on")
    return FoundRow(line, reference, category, values["description"], values["colour"], values["brand"], found_on,
                    values["found_at"], values["held_at"], dispose_after)


def parse_export(text: str, *, today: date | None = None) -> tuple[list[FoundRow], list[RowError]]:
    """Valid rows and per-line errors of an export; ImportFileError if the header is not ours."""
    today = today or utcnow().date()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ImportFileError(f"the header lacks the column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
    reader.fieldnames = header
    rows: list[FoundRow] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    try:
        for record in reader:
            values = [value for value in record.values() if isinstance(value, str)]
            # line_num is where the row ends; a quoted field may span lines, so count back to where it starts.
            start = reader.line_num - sum(value.count("\n") for value in values)
            if not any(value.strip() for value in values):
                continue  # a row of empty cells is not an error
            try:
                row = _parse_row(start, record, today)
            except ValueError as exc:
                errors.append(RowError(start, str(exc)))
                continue
            if row.reference in first_line:
                errors.append(RowError(start, f"reference repeats line {first_line[row.reference]}"))
                continue
            first_line[row.reference] = start
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num}: the file is not valid CSV ({exc})") from exc
    return rows, errors


async def _existing(session: AsyncSession, references: list[str]) -> dict[str, FoundItem]:
    found: dict[str, FoundItem] = {}
    for start in range(0, len(references), _LOOKUP_CHUNK):
        chunk = references[start : start + _LOOKUP_CHUNK]
        for item in (await session.scalars(select(FoundItem).where(FoundItem.reference.in_(chunk)))).all():
            found[item.reference] = item
    return found


async def import_found_items(
    session: AsyncSession, text: str, *, actor: str = "cli", today: date | None = None
) -> ImportReport:
    """Upsert the export's valid rows by reference in the caller's transaction (flushed, not committed).

    ImportFileError (nothing written) if the text is not a found-items export at all.
    """
    rows, errors = parse_export(text, today=today)
    report = ImportReport(errors=errors)
    existing = await _existing(session, [row.reference for row in rows])
    for row in rows:
        fields = {name: getattr(row, name) for name in _FIELDS}
        item = existing.get(row.reference)
        if item is None:
            session.add(FoundItem(reference=row.reference, **fields))
            report.created += 1
        elif any(getattr(item, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(item, name, value)
            item.imported_at = utcnow()
            report.updated += 1
        else:
            report.unchanged += 1
    await session.flush()
    details = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
               "bad_rows": len(errors)}
    await audit.record(session, actor=actor, action="lost_property.import", details=details)
    return report
