"""The Complaint Resolution Team's queue: filters, search, sort (priority, then due date), pages and CSV export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import COMPLAINT_STATUSES, Complaint, ComplaintFlag
from bot.services.complaints import triage
from bot.services.complaints.workflow import STATUS_LABELS

QUEUE_LIMIT = 500  # tickets on a page of the queue (the dashboard's and GET /api/tickets'); the CSV has them all
_PAGE_DIGITS = re.compile(r"[0-9]{1,6}")  # a page number; more digits would be past any real queue
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
    page: int = 1  # which QUEUE_LIMIT tickets of those selected, from 1; not a filter, so not in as_query()

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilters:
        """Filters from query parameters; raises FilterError for an unknown status, category or flag, or a bad page."""
        status = query.get("status", "").strip()
        category = query.get("category", "").strip()
        flag = query.get("flag", "").strip()
        if status not in ("", "all", *COMPLAINT_STATUSES):
            raise FilterError("status")
        if category not in ("", *triage.CATEGORIES):
            raise FilterError("category")
        if flag not in ("", "must_record", *triage.FLAGS):
            raise FilterError("flag")
        page = query.get("page", "").strip() or "1"
        if not _PAGE_DIGITS.fullmatch(page) or int(page) < 1:
            raise FilterError("page")
        return cls(
            status=status,
            category=category,
            flag=flag,
            mine=query.get("mine", "").lower() in _TRUE,
            overdue=query.get("overdue", "").lower() in _TRUE,
            q=query.get("q", "").strip()[:SEARCH_MAX],
            page=int(page),
        )

    def as_query(self) -> dict[str, str]:
        """The non-default filters as query parameters (for links and the CSV export)."""
        values = {"status": self.status, "category": self.category, "flag": self.flag, "q": self.q}
        query = {key: value for key, value in values.items() if value}
        query.update({key: "1" for key, on in (("mine", self.mine), ("overdue", self.overdue)) if on})
        return query

    def page_query(self, page: int) -> dict[str, str]:
        """The query parameters of another page of these filters (for the previous and next links)."""
        return {**self.as_query(), **({"page": str(page)} if page != 1 else {})}

    def audit_details(self) -> dict[str, object]:
        """What the audit log may keep of these filters: a search term can be a name, so only that there was one."""
        query = {key: value for key, value in self.as_query().items() if key != "q"}
        return {"filters": query, "searched": bool(self.q), **({"page": self.page} if self.page != 1 else {})}


@dataclass(frozen=True)
class QueuePage:
    """The tickets of one page of the queue, and how many the filters select in all."""

    rows: list[Complaint]
    total: int
    page: int = 1
    size: int | None = QUEUE_LIMIT  # None: every ticket selected, on one page

    @property
    def first(self) -> int:
        """The position in the whole queue of this page's first ticket, from 1."""
        return 1 if self.size is None else (self.page - 1) * self.size + 1

    @property
    def last(self) -> int:
        """The position in the whole queue of this page's last ticket (first - 1 on an empty page)."""
        return self.first + len(self.rows) - 1

    @property
    def pages(self) -> int:
        """How many pages the whole queue takes (at least one, even when empty)."""
        return 1 if self.size is None else max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        """Whether tickets come after this page."""
        return self.page < self.pages


def is_overdue(complaint: Complaint, today: date) -> bool:
    """Not acknowledged by its due date."""
    return complaint.status == "new" and complaint.acknowledge_by < today


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _glob(text: str) -> str:
    """A GLOB pattern for text anywhere, each letter in any case: "Órla" is "*[óÓ][rR][lL][aA]*"."""
    classes = []
    for char in text:
        variants = {variant for variant in (char, char.lower(), char.upper(), char.title()) if len(variant) == 1}
        # "]" first in a class is literal, and "*", "?", "[" are literal inside one.
        ordered = sorted(variants, key=lambda variant: variant != "]")
        classes.append(f"[{''.join(ordered)}]" if len(ordered) > 1 or char in "*?[]" else char)
    return f"*{''.join(classes)}*"


def _contains(column: ColumnElement[str], text: str, dialect: str) -> ColumnElement[bool]:
    # SQLite's lower() and LIKE fold only ASCII letters: "Órla" would not find "Órla" once lowered to "órla".
    if dialect == "sqlite":
        return column.op("GLOB")(_glob(text))
    return func.lower(column).like(_like(text), escape="\\")


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def build_query(
    filters: QueueFilters, *, staff_id: int | None, today: date, dialect: str = "postgresql"
) -> Select[tuple[Complaint]]:
    """The SELECT for these filters (search as `dialect` can fold case), by priority, then due date, then age."""
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
        query = query.where(
            or_(_contains(Complaint.reference, filters.q, dialect), _contains(Complaint.name, filters.q, dialect))
        )
    return query.order_by(Complaint.priority, Complaint.acknowledge_by, Complaint.created_at, Complaint.id)


async def queue(
    session: AsyncSession,
    filters: QueueFilters,
    *,
    staff_id: int | None,
    today: date,
    limit: int | None = QUEUE_LIMIT,
    offset: int = 0,
) -> list[Complaint]:
    """The tickets these filters select (`limit` of them from `offset`; None: all), with flags and assignee loaded."""
    query = build_query(filters, staff_id=staff_id, today=today, dialect=_dialect(session))
    query = query.limit(limit).offset(offset or None)
    query = query.options(selectinload(Complaint.flags), selectinload(Complaint.assigned_to))
    return list((await session.scalars(query)).all())


async def count(session: AsyncSession, filters: QueueFilters, *, staff_id: int | None, today: date) -> int:
    """How many tickets these filters select."""
    built = build_query(filters, staff_id=staff_id, today=today, dialect=_dialect(session))
    selected = built.order_by(None).subquery()
    return await session.scalar(select(func.count()).select_from(selected)) or 0


async def queue_page(
    session: AsyncSession, filters: QueueFilters, *, staff_id: int | None, today: date, size: int | None = QUEUE_LIMIT
) -> QueuePage:
    """The page `filters.page` of `size` tickets and the true total; with size None, every ticket (the CSV export)."""
    if size is None:
        rows = await queue(session, filters, staff_id=staff_id, today=today, limit=None)
        return QueuePage(rows, len(rows), 1, None)
    total = await count(session, filters, staff_id=staff_id, today=today)
    offset = (filters.page - 1) * size
    if offset >= total:  # past the last page: nothing to fetch (the caller shows the total and a way back)
        return QueuePage([], total, filters.page, size)
    rows = await queue(session, filters, staff_id=staff_id, today=today, limit=size, offset=offset)
    return QueuePage(rows, total, filters.page, size)


CSV_COLUMNS = (
    "reference", "submitted", "priority", "status", "category", "handling", "flags", "acknowledge_by", "overdue",
    "assigned_to", "name",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with one of these as a formula (CSV injection), and some trim
    # leading spaces and line breaks first (" =HYPERLINK(...)").
    return "'" + text if text.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@") or text[:1] in ("\t", "\r") else text


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
