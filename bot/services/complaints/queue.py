"""The Complaint Resolution Team's queue: filters, search, sort (priority, then due date) and CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import COMPLAINT_STATUSES, Complaint, ComplaintFlag
from bot.services.complaints import triage
from bot.services.complaints.workflow import STATUS_LABELS

QUEUE_LIMIT = 500
CLOSED = ("closed",)
SEARCH_MAX = 100
_TRUE = frozenset({"1", "true", "yes", "on"})


class FilterError(ValueError):
    """A filter value the queue does not know."""


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows: by default every open ticket."""

    status: str = ""  # "" open ones, "all" every one, or one status
    category: str = ""
    flag: str = ""
    mine: bool = False
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilters:
        """Filters from query parameters; raises FilterError for an unknown status, category or flag."""
        status = query.get("status", "").strip()
        category = query.get("category", "").strip()
        flag = query.get("flag", "").strip()
        if status not in ("", "all", *COMPLAINT_STATUSES):
            raise FilterError("status")
        if category not in ("", *triage.CATEGORIES):
            raise FilterError("category")
        if flag not in ("", "must_record", *triage.FLAGS):
            raise FilterError("flag")
        return cls(
            status=status,
            category=category,
            flag=flag,
            mine=query.get("mine", "").lower() in _TRUE,
            overdue=query.get("overdue", "").lower() in _TRUE,
            q=query.get("q", "").strip()[:SEARCH_MAX],
        )

    def as_query(self) -> dict[str, str]:
        """The non-default filters as query parameters (for links and the CSV export)."""
        values = {"status": self.status, "category": self.category, "flag": self.flag, "q": self.q}
        query = {key: value for key, value in values.items() if value}
        query.update({key: "1" for key, on in (("mine", self.mine), ("overdue", self.overdue)) if on})
        return query

    def audit_details(self) -> dict[str, object]:
        """What the audit log may keep of these filters: a search term can be a name, so only that there was one."""
        query = {key: value for key, value in self.as_query().items() if key != "q"}
        return {"filters": query, "searched": bool(self.q)}


def is_overdue(complaint: Complaint, today: date) -> bool:
    """Not acknowledged by its due date."""
    return complaint.status == "new" and complaint.acknowledge_by < today


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def build_query(filters: QueueFilters, *, staff_id: int | None, today: date) -> Select[tuple[Complaint]]:
    """The SELECT for these filters, sorted by priority, then due date, then age."""
    query = select(Complaint)
    if filters.status == "":
        query = query.where(Complaint.status.not_in(CLOSED))
    elif filters.status != "all":
        query = query.where(Complaint.status == filters.status)
    if filters.category:
        query = query.where(Complaint.category == filters.category)
    if filters.flag == "must_record":
        query = query.where(Complaint.must_record.is_(True))
    elif filters.flag:
        query = query.where(
            exists().where(ComplaintFlag.complaint_id == Complaint.id, ComplaintFlag.code == filters.flag)
        )
    if filters.mine:
        query = query.where(Complaint.assigned_to_id == staff_id)
    if filters.overdue:
        query = query.where(Complaint.status == "new", Complaint.acknowledge_by < today)
    if filters.q:
        pattern = _like(filters.q)
        query = query.where(
            or_(
                func.lower(Complaint.reference).like(pattern, escape="\\"),
                func.lower(Complaint.name).like(pattern, escape="\\"),
            )
        )
    return query.order_by(Complaint.priority, Complaint.acknowledge_by, Complaint.created_at, Complaint.id)


async def queue(
    session: AsyncSession, filters: QueueFilters, *, staff_id: int | None, today: date, limit: int = QUEUE_LIMIT
) -> list[Complaint]:
    """The tickets these filters select, with their flags and assignee loaded."""
    query = build_query(filters, staff_id=staff_id, today=today).limit(limit)
    query = query.options(selectinload(Complaint.flags), selectinload(Complaint.assigned_to))
    return list((await session.scalars(query)).all())


CSV_COLUMNS = (
    "reference", "submitted", "priority", "status", "category", "handling", "flags", "acknowledge_by", "overdue",
    "assigned_to", "name",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(complaints: Sequence[Complaint], *, today: date) -> str:
    """The queue as CSV, one row per ticket, formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for complaint in complaints:
        codes = [flag.code for flag in complaint.flags]
        row = (
            complaint.reference,
            complaint.created_at.date().isoformat(),
            triage.PRIORITIES.get(complaint.priority, str(complaint.priority)),
            STATUS_LABELS[complaint.status],
            triage.CATEGORIES.get(complaint.category, complaint.category),
            handling(complaint),
            " ".join(codes),
            complaint.acknowledge_by.isoformat(),
            "yes" if is_overdue(complaint, today) else "no",
            complaint.assigned_to.email if complaint.assigned_to else "",
            complaint.name,
        )
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def handling(complaint: Complaint) -> str:
    """The suggested handling of a stored ticket, in the staff's words (see triage.Triage.handling)."""
    return triage.Triage(
        complaint.category, (), tuple(triage.Flag(flag.code, ()) for flag in complaint.flags), 3
    ).handling
