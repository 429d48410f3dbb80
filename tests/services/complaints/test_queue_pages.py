"""The queue a page at a time, with the true total; the CSV export's rows are every ticket, never cut at a page."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from bot.db.models import Complaint
from bot.services.complaints import queue as complaints_queue
from bot.services.complaints.queue import QUEUE_LIMIT, FilterError, QueueFilters

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 30)
MANY = QUEUE_LIMIT + 104


async def add_tickets(session, count, *, start=1, category="officer_conduct"):
    """`count` plain tickets in one statement: triage and references do not matter to the queue's paging."""
    await session.execute(insert(Complaint), [
        {"reference": f"CRT-2026-{n:05d}", "submission_key": f"key-{n}", "sender_id": f"sender-{n}",
         "priority": 3, "category": category, "acknowledge_by": TODAY + timedelta(days=n % 9),
         "complainant_role": "affected", "name": f"Person {n}", "narrative": "Nobody rang back.",
         "created_at": NOW + timedelta(minutes=n), "updated_at": NOW}
        for n in range(start, start + count)
    ])  # fmt: skip


async def page(session, filters=None, **kwargs):
    return await complaints_queue.queue_page(session, filters or QueueFilters(), staff_id=None, today=TODAY, **kwargs)


def refs(rows):
    return [row.reference for row in rows]


async def test_the_pages_of_a_long_queue_hold_every_ticket_once_in_order(session):
    await add_tickets(session, MANY)
    everything = await complaints_queue.queue(session, QueueFilters(), staff_id=None, today=TODAY, limit=None)
    assert len(everything) == MANY

    first = await page(session)
    assert (len(first.rows), first.total, first.pages, first.first, first.last) == (QUEUE_LIMIT, MANY, 2, 1, 500)
    assert first.has_next
    second = await page(session, QueueFilters(page=2))
    assert (len(second.rows), second.total, second.first, second.last) == (104, MANY, 501, MANY)
    assert not second.has_next
    assert refs(first.rows) + refs(second.rows) == refs(everything)


async def test_the_export_has_every_ticket(session):
    await add_tickets(session, MANY)
    export = await page(session, QueueFilters(page=2), size=None)  # the page is ignored: the CSV is the whole queue
    assert (len(export.rows), export.total, export.pages, export.has_next) == (MANY, MANY, 1, False)
    csv_lines = complaints_queue.to_csv(export.rows, today=TODAY).splitlines()
    assert len(csv_lines) == MANY + 1  # and the header


async def test_the_total_counts_what_the_filters_select(session):
    await add_tickets(session, MANY)
    await add_tickets(session, 3, start=MANY + 1, category="service_or_policy")
    assert (await page(session)).total == MANY + 3
    service = await page(session, QueueFilters(category="service_or_policy"))
    assert (service.total, service.pages, service.has_next, len(service.rows)) == (3, 1, False, 3)
    searched = QueueFilters(q="person 60")  # 60, and 600 to 607
    assert await complaints_queue.count(session, searched, staff_id=None, today=TODAY) == 9


async def test_past_the_last_page_is_empty_but_knows_the_total(session):
    await add_tickets(session, 3)
    beyond = await page(session, QueueFilters(page=4))
    assert (beyond.rows, beyond.total, beyond.pages, beyond.has_next) == ([], 3, 1, False)
    empty = await page(session, QueueFilters(status="closed"))
    assert (empty.rows, empty.total, empty.pages) == ([], 0, 1)


def test_the_page_from_query_parameters():
    assert QueueFilters.from_query({"page": "2", "status": "all"}) == QueueFilters(status="all", page=2)
    assert QueueFilters.from_query({"page": ""}).page == 1
    for bad in ("0", "-1", "1.5", "two", "²", "1e3", "1234567", "0x10"):
        with pytest.raises(FilterError, match="page"):
            QueueFilters.from_query({"page": bad})


def test_the_page_is_kept_out_of_the_filters_but_in_the_links_and_the_audit():
    filters = QueueFilters(status="all", q="Sam", page=3)
    assert filters.as_query() == {"status": "all", "q": "Sam"}  # the CSV link: every page
    assert filters.page_query(4) == {"status": "all", "q": "Sam", "page": "4"}
    assert filters.page_query(1) == {"status": "all", "q": "Sam"}
    assert filters.audit_details() == {"filters": {"status": "all"}, "searched": True, "page": 3}
    assert QueueFilters().audit_details() == {"filters": {}, "searched": False}
