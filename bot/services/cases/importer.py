"""Import of the records system's case export (CSV): good rows load, bad rows are reported by line.

Error reasons never repeat a surname or postcode, so the report is safe to print or to log.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Case, CaseUpdate
from bot.services import audit, clock
from bot.services.cases.details import (
    CaseDetailError,
    hash_details,
    normalise_postcode,
    normalise_reference,
    normalise_surname,
    verify_details,
)
from bot.services.cases.status import STATUSES
from bot.services.csv_import import (
    ImportReport,
    RowError,
    existing_by_reference,
    parse_date,
    parse_rows,
)

COLUMNS = (
    "reference",
    "offence",
    "reported_on",
    "surname",
    "postcode",
    "status",
    "status_detail",
    "officer_name",
    "officer_contact",
    "updated_on",
)
_MAX_LENGTHS = {"offence": 200, "status_detail": 2000, "officer_name": 120, "officer_contact": 300}
_REFERENCE_REASONS = {
    "format": "reference is not in the form 41/12345/24",
    "force": "reference has force code {code}, not Hertfordshire's 41",
    "year": "reference has a year in the future or before 2000",
}


@dataclass(frozen=True)
class CaseRow:
    """One valid, normalised row of the export."""

    line: int
    reference: str
    offence: str
    reported_on: date
    surname: str
    postcode: str
    status: str
    status_detail: str
    officer_name: str
    officer_contact: str
    updated_on: date


def _date(value: str, name: str, today: date) -> date:
    parsed = parse_date(value, name)
    if parsed > today:
        raise ValueError(f"{name} is in the future")
    return parsed


def _status(value: str) -> str:
    code = "_".join(value.strip().lower().replace("-", " ").split())
    if code not in STATUSES:
        raise ValueError(f"unknown status {value.strip()[:40]!r} (expected one of {', '.join(STATUSES)})")
    return code


def _parse_row(line: int, record: dict[str, str], today: date) -> CaseRow:
    values = {name: (record.get(name) or "").strip() for name in COLUMNS}
    try:
        reference = normalise_reference(values["reference"], today=today)
    except CaseDetailError as exc:
        raise ValueError(_REFERENCE_REASONS[exc.reason].format(code=exc.force_code)) from exc
    try:
        surname = normalise_surname(values["surname"])
    except CaseDetailError as exc:
        raise ValueError("surname is missing or not a name") from exc
    try:
        postcode = normalise_postcode(values["postcode"])
    except CaseDetailError as exc:
        raise ValueError("postcode is missing or not a UK postcode") from exc
    if not values["offence"]:
        raise ValueError("offence is empty")
    for name, limit in _MAX_LENGTHS.items():
        if len(values[name]) > limit:
            raise ValueError(f"{name} is longer than {limit} characters")
    reported_on = _date(values["reported_on"], "reported_on", today)
    updated_on = _date(values["updated_on"], "updated_on", today)
    if updated_on < reported_on:
        raise ValueError("updated_on is before reported_on")
    return CaseRow(
        line=line,
        reference=reference,
        offence=values["offence"],
        reported_on=reported_on,
        surname=surname,
        postcode=postcode,
        status=_status(values["status"]),
        status_detail=values["status_detail"],
        officer_name=values["officer_name"],
        officer_contact=values["officer_contact"],
        updated_on=updated_on,
    )


def parse_export(text: str, *, today: date | None = None) -> tuple[list[CaseRow], list[RowError]]:
    """Valid rows and per-line errors of an export; ImportFileError if the header is not ours."""
    today = today or clock.today()
    return parse_rows(text, COLUMNS, lambda line, record: _parse_row(line, record, today))


def _timeline_entry(row: CaseRow, case_id: int | None = None) -> CaseUpdate:
    return CaseUpdate(case_id=case_id, status=row.status, status_detail=row.status_detail, updated_on=row.updated_on)


async def _apply(session: AsyncSession, row: CaseRow, case: Case | None, report: ImportReport) -> None:
    fields = {
        "offence": row.offence,
        "reported_on": row.reported_on,
        "status": row.status,
        "status_detail": row.status_detail,
        "officer_name": row.officer_name,
        "officer_contact": row.officer_contact,
        "updated_on": row.updated_on,
    }
    if case is None:
        verifier = await asyncio.to_thread(hash_details, row.surname, row.postcode)
        session.add(Case(reference=row.reference, verifier_hash=verifier, updates=[_timeline_entry(row)], **fields))
        report.created += 1
        return
    changed = any(getattr(case, name) != value for name, value in fields.items())
    if not await asyncio.to_thread(verify_details, case.verifier_hash, row.surname, row.postcode):
        case.verifier_hash = await asyncio.to_thread(hash_details, row.surname, row.postcode)
        changed = True
    if case.status != row.status:
        session.add(_timeline_entry(row, case.id))
    for name, value in fields.items():
        setattr(case, name, value)
    if changed:
        case.imported_at = clock.now()
        report.updated += 1
    else:
        report.unchanged += 1


async def import_cases(
    session: AsyncSession, text: str, *, actor: str = "cli", today: date | None = None
) -> ImportReport:
    """Upsert the export's valid rows by reference in the caller's transaction (flushed, not committed).

    A new case and every status change add a timeline entry. ImportFileError (nothing written) if the
    text is not a case export at all.
    """
    rows, errors = parse_export(text, today=today)
    report = ImportReport(errors=errors)
    existing = await existing_by_reference(session, Case, [row.reference for row in rows])
    for row in rows:
        await _apply(session, row, existing.get(row.reference), report)
    await session.flush()
    details = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    await audit.record(session, actor=actor, action="cases.import", details={**details, "bad_rows": len(errors)})
    return report
