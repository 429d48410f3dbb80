"""Lost-item reports: stored from the chat, listed for staff with suggested matches, and moved through statuses.

A report's contact details are personal data: they are stored for staff, and never put in the audit log
(which names reports by their reference only) or in any log message.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import LOST_REPORT_STATUSES, FoundItem, LostReport
from bot.services import audit, clock
from bot.services.lost_property.items import CATEGORIES, LostPropertyError
from bot.services.lost_property.search import LostQuery, candidates, ranked

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, which are misread over the phone
REFERENCE_PREFIX = "LP-"
REFERENCE_LENGTH = 6
SUGGESTED = 5  # suggested matches shown to staff per report


def new_reference() -> str:
    """A random report reference such as LP-7KQ3MX."""
    return REFERENCE_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(REFERENCE_LENGTH))


async def _unused_reference(session: AsyncSession) -> str:
    for _ in range(10):
        reference = new_reference()
        if not await session.scalar(select(LostReport.id).where(LostReport.reference == reference)):
            return reference
    raise RuntimeError("could not find an unused lost report reference")  # 32^6 references: never in practice


async def create_report(
    session: AsyncSession, query: LostQuery, *, contact_name: str, contact: str, actor: str
) -> LostReport:
    """Store a resident's lost-item report in the caller's transaction (flushed) and audit it without contacts."""
    if query.category not in CATEGORIES:
        raise LostPropertyError("unknown category")
    report = LostReport(
        reference=await _unused_reference(session),
        category=query.category,
        description=query.description[:200],
        details=query.details[:200],
        lost_at=query.place[:200],
        lost_on=query.lost_on,
        contact_name=contact_name,
        contact=contact,
        status="open",
    )
    session.add(report)
    await session.flush()
    await audit.record(
        session, actor=actor, action="lost_property.report", subject=report.reference,
        details={"category": report.category},
    )
    return report


def query_for(report: LostReport) -> LostQuery:
    """The search a report stands for."""
    return LostQuery(report.category, report.description, report.details, report.lost_at, report.lost_on)


@dataclass(frozen=True)
class ReportWithSuggestions:
    """A report as staff see it, with found items that may be the lost one (staff may see descriptions)."""

    report: LostReport
    suggestions: list[tuple[FoundItem, float]]


async def list_reports(
    session: AsyncSession, *, status: str | None = "open", limit: int = 100, offset: int = 0
) -> list[LostReport]:
    """Reports of a status (None: all), newest first: `limit` of them from `offset` (a page of them)."""
    statement = select(LostReport).order_by(LostReport.created_at.desc(), LostReport.id.desc())
    statement = statement.limit(limit).offset(offset or None)
    if status is not None:
        statement = statement.where(LostReport.status == status)
    return list((await session.scalars(statement)).all())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many reports there are in each status (every status present, zero when none)."""
    rows = await session.execute(select(LostReport.status, func.count()).group_by(LostReport.status))
    counts = dict.fromkeys(LOST_REPORT_STATUSES, 0)
    counts.update({status: count for status, count in rows.all()})
    return counts


async def with_suggestions(session: AsyncSession, report: LostReport, *, today: date) -> ReportWithSuggestions:
    """A report and the found items that best fit it (none once it is no longer open)."""
    if report.status != "open":
        return ReportWithSuggestions(report, [])
    query = query_for(report)
    best = ranked(await candidates(session, query, today=today), query)[:SUGGESTED]
    return ReportWithSuggestions(report, best)


async def get_report(session: AsyncSession, report_id: int) -> LostReport | None:
    """One report by its id, with its matched found item loaded."""
    statement = select(LostReport).options(selectinload(LostReport.matched_item)).where(LostReport.id == report_id)
    return await session.scalar(statement)


async def set_status(
    session: AsyncSession, report: LostReport, status: str, *, actor: str, item_reference: str | None = None,
    expected_status: str | None = None,
) -> LostReport:
    """Move a report to matched (with the found item), returned, closed or back to open; audited.

    With `expected_status` (what the member was shown) the change is made only if the report still has it.
    LostPropertyError reasons: "status" (unknown), "item_required", "item_unknown", "changed".
    """
    if status not in LOST_REPORT_STATUSES:
        raise LostPropertyError("status")
    if expected_status is not None:
        # A conditional UPDATE first: it takes the row's (or SQLite's write) lock, so of two members pressing
        # buttons on the same page one gets in and the other's WHERE matches no row, rather than overwriting.
        held = await session.execute(
            update(LostReport)
            .where(LostReport.id == report.id, LostReport.status == expected_status)
            .values(status=expected_status)
            .execution_options(synchronize_session=False)
        )
        if held.rowcount != 1 or report.status != expected_status:
            raise LostPropertyError("changed")
    item: FoundItem | None = None
    if status == "matched":
        if not item_reference:
            raise LostPropertyError("item_required")
        # The importer stores references in upper case; staff may type "fp/26/01423".
        item = await session.scalar(select(FoundItem).where(FoundItem.reference == item_reference.strip().upper()))
        if item is None:
            raise LostPropertyError("item_unknown")
    previous = report.status
    report.status = status
    if item is not None:
        report.matched_item_id = item.id
    elif status == "open":
        report.matched_item_id = None
    report.updated_at = clock.now()
    await session.flush()
    details: dict[str, str] = {"from": previous, "to": status}
    if item is not None:
        details["item"] = item.reference  # a property-system reference, not personal data
    await audit.record(session, actor=actor, action="lost_property.status", subject=report.reference, details=details)
    return report
