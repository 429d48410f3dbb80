"""The team's queue: sorted by priority then due date, filters, search, overdue, CSV (formula-safe)."""

import csv
import io
from datetime import date, datetime, timezone

import pytest

from bot.services.complaints import queue as complaints_queue
from bot.services.complaints import workflow
from bot.services.complaints.details import ComplaintDetails
from bot.services.complaints.queue import FilterError, QueueFilters
from bot.services.complaints.tickets import create
from bot.services.staff import accounts as staff

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=timezone.utc)  # a Monday
TODAY = date(2026, 11, 30)


def details(name, narrative, **extra):
    return ComplaintDetails(complainant_role="affected", name=name, narrative=narrative, **extra)


@pytest.fixture
async def tickets(session):
    made = {}
    for key, detail in {
        "rude": details("Ann Rude", "The officer was rude to me at the counter."),
        "hurt": details("Bob Hurt", "An officer punched me and I ended up in hospital with stitches."),
        "slow": details("=HYPERLINK(\"http://evil\")", "I rang 101 and nobody called back for a week."),
        "vulnerable": details("Cat Vee", "The officers shouted at my autistic son until he was crying."),
    }.items():
        made[key], _ = await create(session, detail, sender_id=key, key=key, now=NOW)
    return made


async def refs(session, filters=None, staff_id=None):
    rows = await complaints_queue.queue(session, filters or QueueFilters(), staff_id=staff_id, today=TODAY)
    return [row.reference for row in rows]


async def test_sorted_by_priority_then_due_date(session, tickets):
    assert await refs(session) == [
        tickets["hurt"].reference,
        tickets["vulnerable"].reference,
        tickets["rude"].reference,
        tickets["slow"].reference,
    ]


async def test_filters(session, tickets):
    user = await staff.add(session, "o@herts.example", "officer", "a long enough password")
    await workflow.assign(session, tickets["rude"], user.id, actor="staff:1")
    await workflow.change_status(session, tickets["slow"], "closed", actor="staff:1", staff_id=None)
    assert tickets["slow"].reference not in await refs(session)  # open ones by default
    assert await refs(session, QueueFilters(status="closed")) == [tickets["slow"].reference]
    assert len(await refs(session, QueueFilters(status="all"))) == 4
    assert await refs(session, QueueFilters(category="service_or_policy", status="all")) == [tickets["slow"].reference]
    assert await refs(session, QueueFilters(flag="criminal_or_disciplinary")) == [tickets["hurt"].reference]
    assert await refs(session, QueueFilters(flag="must_record")) == [tickets["hurt"].reference]
    assert await refs(session, QueueFilters(mine=True), staff_id=user.id) == [tickets["rude"].reference]
    assert await refs(session, QueueFilters(q="bob")) == [tickets["hurt"].reference]
    assert await refs(session, QueueFilters(q=tickets["rude"].reference.lower())) == [tickets["rude"].reference]
    assert await refs(session, QueueFilters(q="%")) == []  # LIKE wildcards are searched for literally


async def test_overdue_means_not_acknowledged_by_the_due_date(session, tickets):
    await workflow.change_status(session, tickets["hurt"], "acknowledged", actor="staff:1", staff_id=None)
    overdue = await refs(session, QueueFilters(overdue=True))
    assert tickets["hurt"].reference not in overdue and len(overdue) == 3
    assert complaints_queue.is_overdue(tickets["rude"], TODAY)
    assert not complaints_queue.is_overdue(tickets["rude"], date(2026, 11, 17))


def test_filters_from_query_parameters():
    filters = QueueFilters.from_query({"status": "new", "flag": "risk", "mine": "1", "q": " Sam "})
    assert filters == QueueFilters(status="new", flag="risk", mine=True, q="Sam")
    assert filters.as_query() == {"status": "new", "flag": "risk", "q": "Sam", "mine": "1"}
    for bad in ({"status": "deleted"}, {"category": "x"}, {"flag": "x"}):
        with pytest.raises(FilterError):
            QueueFilters.from_query(bad)


async def test_csv_export_is_formula_safe(session, tickets):
    rows = await complaints_queue.queue(session, QueueFilters(), staff_id=None, today=TODAY)
    table = list(csv.DictReader(io.StringIO(complaints_queue.to_csv(rows, today=TODAY))))
    assert [row["reference"] for row in table] == [row.reference for row in rows]
    hurt = table[0]
    assert hurt["priority"] == "Urgent" and hurt["overdue"] == "yes"
    assert hurt["handling"] == "Must be recorded under Schedule 3"
    assert "death_or_serious_injury" in hurt["flags"].split()
    assert table[-1]["name"] == "'=HYPERLINK(\"http://evil\")"


@pytest.mark.parametrize("value", ["=1+1", " =1+1", "\n@SUM(A1)", "\t-2", "+44 7700", "\r=x"])
def test_a_cell_a_spreadsheet_could_run_as_a_formula_is_quoted(value):
    assert complaints_queue._cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sam Taylor", "a-b", "email@example.com", "", "1 = 1"])
def test_other_cells_are_kept_as_they_are(value):
    assert complaints_queue._cell(value) == value
