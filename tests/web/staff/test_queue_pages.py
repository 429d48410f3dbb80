"""A queue longer than a page: the dashboard and GET /api/tickets page it with the true total; the CSV has it all."""

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from bot.db.engine import unit_of_work
from bot.db.models import Complaint
from bot.services import clock
from bot.services.complaints.queue import QUEUE_LIMIT

MANY = QUEUE_LIMIT + 104


@pytest.fixture
async def many_tickets(sessions):
    """QUEUE_LIMIT + 104 open tickets, inserted in one statement (their triage does not matter here)."""
    now = datetime.now(timezone.utc)
    async with unit_of_work(sessions) as session:
        await session.execute(insert(Complaint), [
            {"reference": f"CRT-2026-{n:05d}", "submission_key": f"key-{n}", "sender_id": f"sender-{n}",
             "priority": 3, "category": "officer_conduct", "acknowledge_by": clock.today() + timedelta(days=30),
             "complainant_role": "affected", "name": f"Person {n}", "narrative": "Nobody rang back.",
             "created_at": now - timedelta(minutes=MANY - n), "updated_at": now}
            for n in range(1, MANY + 1)
        ])  # fmt: skip


async def test_the_dashboard_pages_the_queue_and_says_how_many_there_are(login_as, many_tickets):
    client = await login_as("officer")
    html = await (await client.get("/staff/tickets", params={"status": "all"})).text()
    assert f"Tickets 1 to {QUEUE_LIMIT} of {MANY}," in html
    assert html.count('href="/staff/tickets/CRT-') == QUEUE_LIMIT
    assert 'href="/staff/tickets?status=all&amp;page=2" rel="next"' in html and 'rel="prev"' not in html
    assert f"Download all {MANY} tickets as CSV" in html

    html = await (await client.get("/staff/tickets", params={"status": "all", "page": "2"})).text()
    assert f"Tickets {QUEUE_LIMIT + 1} to {MANY} of {MANY}," in html
    assert html.count('href="/staff/tickets/CRT-') == MANY - QUEUE_LIMIT
    assert f"CRT-2026-{MANY:05d}" in html and 'href="/staff/tickets?status=all" rel="prev"' in html
    assert 'rel="next"' not in html

    html = await (await client.get("/staff/tickets", params={"page": "9"})).text()
    assert f"There is no page 9: the {MANY} tickets these filters select fill 2 pages." in html


async def test_a_bad_page_is_a_bad_request(login_as, staff_client, api_token, many_tickets):
    client = await login_as("officer")
    for bad in ("0", "-1", "two", "99999999999999999999"):
        assert (await client.get("/staff/tickets", params={"page": bad}, allow_redirects=False)).status == 400
    api = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    response = await api.get("/api/tickets", params={"page": "0"}, headers=headers)
    assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_filter"


async def test_the_csv_export_has_every_ticket(login_as, many_tickets):
    client = await login_as("officer")
    response = await client.get("/staff/tickets.csv", params={"status": "all", "page": "2"})
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert len(rows) == MANY
    assert rows[0]["reference"] == "CRT-2026-00001" and rows[-1]["reference"] == f"CRT-2026-{MANY:05d}"


async def test_the_api_pages_with_the_total_and_a_next_link(staff_client, api_token, many_tickets):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    body = await (await client.get("/api/tickets", params={"category": "officer_conduct"}, headers=headers)).json()
    assert (len(body["tickets"]), body["total"], body["page"], body["pages"]) == (QUEUE_LIMIT, MANY, 1, 2)
    assert body["next"] == "/api/tickets?category=officer_conduct&page=2"
    second = await (await client.get(body["next"], headers=headers)).json()
    assert (len(second["tickets"]), second["total"], second["page"], second["next"]) == (MANY - QUEUE_LIMIT, MANY, 2,
                                                                                         None)  # fmt: skip
    seen = [row["reference"] for row in body["tickets"] + second["tickets"]]
    assert len(set(seen)) == MANY
