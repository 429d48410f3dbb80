"""A lost-property list longer than a page: paged with the true total, no report silently left out."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from bot.db.engine import unit_of_work
from bot.db.models import LostReport
from bot.services import clock
from bot.web.staff.lost_property import PAGE_SIZE

MANY = PAGE_SIZE + 7


@pytest.fixture
async def many_reports(sessions):
    """PAGE_SIZE + 7 open reports, the newest last numbered (the list shows the newest first)."""
    now = datetime.now(timezone.utc)
    async with unit_of_work(sessions) as session:
        await session.execute(insert(LostReport), [
            {"reference": f"LP-{n:06d}", "category": "other", "description": f"widget {n}", "details": "",
             "lost_at": "Hitchin", "lost_on": clock.today() - timedelta(days=1), "contact_name": "Jo Bloggs",
             "contact": "jo@example.org", "status": "open", "created_at": now - timedelta(minutes=MANY - n),
             "updated_at": now}
            for n in range(1, MANY + 1)
        ])  # fmt: skip


async def test_every_open_report_is_on_one_of_the_pages(login_as, many_reports):
    client = await login_as("officer")
    first = await (await client.get("/staff/lost-property")).text()
    assert f"Open ({MANY})" in first and f"Reports 1 to {PAGE_SIZE} of {MANY}" in first
    assert first.count('href="/staff/lost-property/') == PAGE_SIZE
    assert f"LP-{MANY:06d}" in first and 'href="/staff/lost-property?page=2" rel="next"' in first
    second = await (await client.get("/staff/lost-property", params={"page": "2"})).text()
    assert f"Reports {PAGE_SIZE + 1} to {MANY} of {MANY}" in second
    assert second.count('href="/staff/lost-property/') == MANY - PAGE_SIZE
    assert "LP-000001" in second and 'href="/staff/lost-property" rel="prev"' in second and 'rel="next"' not in second
    beyond = await (await client.get("/staff/lost-property", params={"page": "5"})).text()
    assert f"There is no page 5: the {MANY} open reports fill 2 pages." in beyond


async def test_a_bad_page_is_a_bad_request(login_as, many_reports):
    client = await login_as("officer")
    for bad in ("0", "-1", "two", "²", "99999999999999999999"):
        response = await client.get("/staff/lost-property", params={"page": bad}, allow_redirects=False)
        assert response.status == 400, bad
