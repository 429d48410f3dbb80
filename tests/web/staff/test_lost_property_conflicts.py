"""Two staff on one lost report: a button pressed on a page loaded before a colleague's change is refused."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, LostReport
from bot.services import clock
from bot.services.lost_property.demo import load_demo_found_items
from bot.services.lost_property.reports import create_report
from bot.services.lost_property.search import LostQuery
from tests.web.staff.conftest import error_summary_link

CHANGED = "This report was changed by someone else; here it is as it is now."


@pytest.fixture
async def purse(sessions):
    """An open report that fits a demo found item (FP/26/01398)."""
    async with unit_of_work(sessions) as session:
        await load_demo_found_items(session)
        report = await create_report(
            session, LostQuery("wallets_purses", "purse", "brown Radley", "Verulamium Park, St Albans",
                               clock.today() - timedelta(days=7)),
            contact_name="Jo Bloggs", contact="jo@example.org", actor="conversation:test",
        )  # fmt: skip
        return report.id


def _forms(html: str) -> dict[str, dict[str, str]]:
    """Each status form of the page by the status it sends: its hidden fields."""
    forms = {}
    for form in re.findall(r'<form method="post" action="/staff/lost-property/\d+/status".*?</form>', html, re.S):
        fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
        forms.setdefault(fields["status"], fields)
    return forms


async def _report(sessions, report_id):
    async with sessions() as session:
        return await session.scalar(select(LostReport).where(LostReport.id == report_id))


async def test_a_stale_page_cannot_undo_a_colleagues_match(login_as, purse, sessions):
    first, second = await login_as("officer"), await login_as("officer")
    path = f"/staff/lost-property/{purse}"
    stale = _forms(await (await second.get(path)).text())
    assert stale["closed"]["expected_status"] == "open"
    fresh = _forms(await (await first.get(path)).text())
    matched = await first.post_form(f"{path}/status", {**fresh["matched"], "csrf_token": first.csrf_token})
    assert matched.status == 303
    # The colleague's page still says "open": its Close button would bury the match the first officer made.
    refused = await second.post_form(f"{path}/status", {**stale["closed"], "csrf_token": second.csrf_token})
    assert refused.status == 409
    html = await refused.text()
    field, text = error_summary_link(html)
    assert text == CHANGED and field == "change-status"
    assert _forms(html)["closed"]["expected_status"] == "matched"  # the page as it is now
    report = await _report(sessions, purse)
    assert report.status == "matched" and report.matched_item_id is not None
    async with sessions() as session:
        changes = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "lost_property.status"))).all()
    assert [entry.details["to"] for entry in changes] == ["matched"]
    # Sent again from the page as it is now, it is done.
    again = await second.post_form(f"{path}/status", {**_forms(html)["closed"], "csrf_token": second.csrf_token})
    assert again.status == 303 and (await _report(sessions, purse)).status == "closed"
