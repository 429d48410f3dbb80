"""The Lost property page: reports with suggested matches, contact details only on a report's page, statuses, audit."""

import json
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

XSS = '<script>alert("x")</script>'


@pytest.fixture
async def reports(sessions):
    """The demo found items and two open reports: a purse that fits a demo item, and a trombone that fits none."""
    today = clock.today()
    async with unit_of_work(sessions) as session:
        await load_demo_found_items(session)
        purse = await create_report(
            session, LostQuery("wallets_purses", "purse", "brown Radley", "Verulamium Park, St Albans",
                               today - timedelta(days=7)),
            contact_name="Jo Bloggs", contact="jo@example.org", actor="conversation:test",
        )
        trombone = await create_report(
            session, LostQuery("other", f"trombone {XSS}", "", "Hitchin", today - timedelta(days=2)),
            contact_name="Sam Smith", contact="07700900123", actor="conversation:test",
        )
    return {"purse": purse, "trombone": trombone}


async def _audit(sessions, action):
    async with sessions() as session:
        return list((await session.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


async def test_anonymous_visitors_are_sent_to_sign_in(staff_client):
    client = await staff_client()
    response = await client.get("/staff/lost-property", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/staff/login")


async def test_the_list_shows_open_reports_with_suggestions_but_no_contact_details(login_as, reports):
    client = await login_as("officer")
    response = await client.get("/staff/lost-property")
    html = await response.text()
    assert response.status == 200
    assert reports["purse"].reference in html and reports["trombone"].reference in html
    assert "FP/26/01398" in html  # the demo purse, suggested for the purse report
    assert "Open (2)" in html
    for secret in ("Jo Bloggs", "jo@example.org", "07700900123"):
        assert secret not in html
    assert XSS not in html and "&lt;script&gt;" in html


async def test_a_report_page_shows_the_contact_and_records_who_looked(login_as, reports, sessions):
    client = await login_as("officer")
    response = await client.get(f"/staff/lost-property/{reports['purse'].id}")
    html = await response.text()
    assert response.status == 200
    assert "Jo Bloggs" in html and "jo@example.org" in html
    (viewed,) = await _audit(sessions, "lost_property.viewed")
    assert (viewed.actor, viewed.subject) == (f"staff:{client.staff.id}", reports["purse"].reference)
    assert "Bloggs" not in json.dumps(viewed.details)


async def test_matching_returning_and_closing_are_audited(login_as, reports, sessions):
    client = await login_as("officer")
    path = f"/staff/lost-property/{reports['purse'].id}/status"
    response = await client.post_form(path, {"status": "matched", "item_reference": "FP/26/01398"})
    assert response.status == 303
    page = await (await client.get(response.headers["Location"])).text()
    assert "now matched" in page and "FP/26/01398" in page
    assert (await client.post_form(path, {"status": "returned"})).status == 303
    async with sessions() as session:
        report = await session.scalar(select(LostReport).where(LostReport.id == reports["purse"].id))
    assert report.status == "returned" and report.matched_item_id is not None
    changes = await _audit(sessions, "lost_property.status")
    assert [entry.details for entry in changes] == [
        {"from": "open", "to": "matched", "item": "FP/26/01398"},
        {"from": "matched", "to": "returned"},
    ]
    assert all(entry.actor == f"staff:{client.staff.id}" for entry in changes)
    closed = await client.post_form(f"/staff/lost-property/{reports['trombone'].id}/status", {"status": "closed"})
    assert closed.status == 303
    listing = await (await client.get("/staff/lost-property?status=closed")).text()
    assert reports["trombone"].reference in listing


async def test_an_unknown_item_reference_is_explained_and_changes_nothing(login_as, reports, sessions):
    client = await login_as("officer")
    path = f"/staff/lost-property/{reports['purse'].id}/status"
    response = await client.post_form(path, {"status": "matched", "item_reference": "FP/NOPE"})
    assert response.status == 400
    assert error_summary_link(await response.text()) == ("item_reference", "There is no found item with that reference")
    assert await _audit(sessions, "lost_property.status") == []


async def test_a_missing_report_is_not_found(login_as):
    client = await login_as("officer")
    assert (await client.get("/staff/lost-property/999999", allow_redirects=False)).status == 404
    response = await client.post_form("/staff/lost-property/999999/status", {"status": "closed"})
    assert response.status == 404


async def test_the_status_form_needs_the_csrf_token(login_as, reports):
    client = await login_as("officer")
    response = await client.post(f"/staff/lost-property/{reports['purse'].id}/status",
                                 data={"status": "closed"}, allow_redirects=False)
    assert response.status == 403
