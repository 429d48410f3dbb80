"""Import of the property system's found-items export (CSV): good rows upsert by reference, bad rows by line.

Error reasons never repeat a description or a place (they can hold personal data), so a report is safe to print.
The file reading, row loop and report types are shared with every importer (bot.services.csv_import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FoundItem
from bot.services import audit, clock
from bot.services.csv_import import ImportReport, RowError, existing_by_reference, parse_date, parse_rows
from bot.services.lost_property.items import CATEGORIES, LostPropertyError, normalise_category

COLUMNS = ("reference", "category", "description", "colour", "brand", "found_on", "found_at", "held_at",
           "dispose_after")
_MAX_LENGTHS = {"reference": 30, "description": 500, "colour": 60, "brand": 80, "found_at": 200, "held_at": 120}
_REQUIRED = ("reference", "description", "found_at", "held_at")
_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/\-_.]*$")
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
    found_on = parse_date(values["found_on"], "found_on")
    if found_on > today:
        raise ValueError("found_on is in the future")
    dispose_after = parse_date(values["dispose_after"], "dispose_after")
    if dispose_after < found_on:
        raise ValueError("dispose_after is before found_on")
    return FoundRow(line, reference, category, values["description"], values["colour"], values["brand"], found_on,
                    values["found_at"], values["held_at"], dispose_after)


def parse_export(text: str, *, today: date | None = None) -> tuple[list[FoundRow], list[RowError]]:
    """Valid rows and per-line errors of an export; ImportFileError if the header is not ours."""
    today = today or clock.today()
    return parse_rows(text, COLUMNS, lambda line, record: _parse_row(line, record, today))


async def import_found_items(
    session: AsyncSession, text: str, *, actor: str = "cli", today: date | None = None
) -> ImportReport:
    """Upsert the export's valid rows by reference in the caller's transaction (flushed, not committed).

    ImportFileError (nothing written) if the text is not a found-items export at all.
    """
    rows, errors = parse_export(text, today=today)
    report = ImportReport(errors=errors)
    existing = await existing_by_reference(session, FoundItem, [row.reference for row in rows])
    for row in rows:
        fields = {name: getattr(row, name) for name in _FIELDS}
        item = existing.get(row.reference)
        if item is None:
            session.add(FoundItem(reference=row.reference, **fields))
            report.created += 1
        elif any(getattr(item, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(item, name, value)
            item.imported_at = clock.now()
            report.updated += 1
        else:
            report.unchanged += 1
    await session.flush()
    details = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
               "bad_rows": len(errors)}
    await audit.record(session, actor=actor, action="lost_property.import", details=details)
    return report
