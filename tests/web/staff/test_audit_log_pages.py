"""The audit log's pages reach its oldest entry however long the log is (730 days of every view)."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry
from bot.web.staff import audit_log

ENTRIES = 10_005  # more pages than the old ceiling of 10 000, at one entry a page


async def test_the_older_link_reaches_the_oldest_entry(login_as, sessions, monkeypatch):
    monkeypatch.setattr(audit_log, "AUDIT_PAGE_SIZE", 1)  # a page per entry: 10 005 pages without a million rows
    long_ago = datetime.now(timezone.utc) - timedelta(days=700)
    async with unit_of_work(sessions) as session:
        await session.execute(insert(AuditEntry), [
            {"at": long_ago + timedelta(seconds=n), "actor": "system", "action": "test.old", "subject": f"entry-{n}",
             "details": {}}
            for n in range(ENTRIES)
        ])  # fmt: skip
    client = await login_as("supervisor")
    page = 10_000
    html = await (await client.get("/staff/audit", params={"action": "test.old", "page": str(page)})).text()
    assert f">entry-{ENTRIES - page}<" in html
    while 'rel="next"' in html:  # follow "Older" to the end: each page is a new, older entry
        page += 1
        html = await (await client.get("/staff/audit", params={"action": "test.old", "page": str(page)})).text()
        assert f">entry-{ENTRIES - page}<" in html, page
    assert page == ENTRIES and ">entry-0<" in html
