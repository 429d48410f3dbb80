"""The dashboard's Personal data page (supervisors): retention stated, a person's data exported or erased."""

import json
import re

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, Complaint, ComplaintStatusChange
from bot.services.complaints import tickets
from bot.services.complaints.details import ComplaintDetails
from tests.web.staff.conftest import error_summary_link

DETAILS = ComplaintDetails(complainant_role="affected", name="Zebedee Quux", narrative="PC Smith pushed me",
                           email="zebedee@example.org")  # fmt: skip


@pytest.fixture
async def complaint(sessions):
    async with unit_of_work(sessions) as session:
        made, _ = await tickets.create(session, DETAILS, sender_id="zeb-chat", key="k1")
        return made.reference


async def test_only_supervisors_see_it(login_as):
    officer = await login_as("officer")
    assert (await officer.get("/staff/privacy", allow_redirects=False)).status == 403
    assert (await officer.post_form("/staff/privacy/export", {"contact": "zebedee@example.org"})).status == 403
    supervisor = await login_as("supervisor")
    page = await supervisor.get("/staff/privacy")
    assert page.status == 200
    text = await page.text()
    # What is kept and for how long, from the settings in force; and how residents ask.
    for said in ("kept for 30 days after the last message", "for 2190 days after they are closed",
                 "30 days after the matched found item's disposal date", "120 days after the report",
                 "The audit log: 730 days", "Deleted 30 days after it is marked as dealt with",
                 "after 60 minutes without a message", "01707 806100"):
        assert said in text, said
    assert re.findall(r"<script(?![^>]*\bsrc=)", text) == []  # no inline script (the CSP allows none)


async def test_a_supervisor_downloads_a_persons_data(login_as, complaint, sessions):
    supervisor = await login_as("supervisor")
    response = await supervisor.post_form("/staff/privacy/export", {"contact": "Zebedee@example.org"})
    assert response.status == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="subject-access.json"'
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(await response.read())
    assert [c["reference"] for c in document["complaints"]] == [complaint]
    async with sessions() as session:
        entry = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "subject.exported"))).one()
    assert entry.actor == f"staff:{supervisor.staff.id}" and "zebedee" not in str(entry.subject)


async def test_forms_need_the_csrf_token_and_a_contact(login_as):
    supervisor = await login_as("supervisor")
    forged = await supervisor.post("/staff/privacy/erase", data={"contact": "zebedee@example.org", "confirm": "yes"},
                                   allow_redirects=False)  # fmt: skip
    assert forged.status == 403
    bad = await supervisor.post_form("/staff/privacy/export", {"contact": "Zebedee"})
    assert bad.status == 400
    field, text = error_summary_link(await bad.text())
    assert field == "export-contact" and "Enter an email address or a UK phone number" in text


async def test_erasure_needs_confirming_and_says_what_it_kept(login_as, complaint, sessions):
    supervisor = await login_as("supervisor")
    unconfirmed = await supervisor.post_form("/staff/privacy/erase", {"contact": "zebedee@example.org"})
    assert unconfirmed.status == 400
    html = await unconfirmed.text()
    field, text = error_summary_link(html)
    # The checkbox is what is missing, not the address (kept as typed): the summary and the message go to it.
    assert field == "confirm" and "Confirm that you have checked who is asking" in text
    assert re.search(r'<p id="confirm-error" class="govuk-error-message">.*?Confirm that you have checked', html, re.S)
    assert re.search(r'id="confirm"[^>]*aria-describedby="confirm-error"', html)
    assert 'value="zebedee@example.org"' in html and 'id="erase-contact-error"' not in html
    kept = await supervisor.post_form("/staff/privacy/erase", {"contact": "zebedee@example.org", "confirm": "yes"})
    assert kept.status == 200
    assert f"Kept: complaint {complaint} is still being handled" in await kept.text()
    async with unit_of_work(sessions) as session:
        ticket = await tickets.get(session, complaint)
        ticket.status = "closed"
        ticket.history.append(ComplaintStatusChange(from_status="new", to_status="closed"))
    removed = await supervisor.post_form("/staff/privacy/erase", {"contact": "zebedee@example.org", "confirm": "yes"})
    assert f"Removed: complaint {complaint}: personal data and conversation removed" in await removed.text()
    async with sessions() as session:
        assert (await session.scalars(select(Complaint.name))).all() == ["[removed]"]
