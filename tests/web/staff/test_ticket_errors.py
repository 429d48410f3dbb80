"""A refused change on the ticket page: the error summary links to the field at fault, which shows the error."""

import re

import pytest

from bot.db.engine import unit_of_work
from bot.services.complaints import tickets as complaint_tickets
from bot.services.complaints import workflow
from bot.services.complaints.details import ComplaintDetails
from tests.web.staff.conftest import error_summary_link

SERIOUS = ComplaintDetails(complainant_role="affected", name="Sam Taylor", email="sam@example.com",
                           narrative="PC 4521 punched me and I ended up in hospital with a broken nose.")  # fmt: skip


@pytest.fixture
async def reference(sessions):
    async with unit_of_work(sessions) as session:
        complaint, _ = await complaint_tickets.create(session, SERIOUS, sender_id="sender-serious", key="serious")
        assert complaint.must_record
        return complaint.reference


def _field_shows_error(html: str, field: str, text: str) -> None:
    """The field's group is marked, its message says the error and the field points to it (GOV.UK pattern)."""
    group = re.search(rf'<div class="govuk-form-group govuk-form-group--error">(?:(?!</div>).)*?id="{field}"', html,
                      re.S)  # fmt: skip
    assert group, f"#{field} is not in a form group marked as in error"
    assert re.search(rf'<p id="{field}-error" class="govuk-error-message">.*?{re.escape(text)}', group.group(0), re.S)
    assert re.search(rf'id="{field}"[^>]*aria-describedby="{field}-error"', html)


async def test_a_refused_status_links_to_the_status_field(login_as, reference):
    client = await login_as("officer")
    response = await client.post_form(f"/staff/tickets/{reference}/status", {"status": "service_recovery"})
    assert response.status == 400
    html = await response.text()
    field, text = error_summary_link(html)
    assert field == "status" and "must be recorded under Schedule 3" in text
    _field_shows_error(html, "status", text)


@pytest.mark.parametrize(("note", "said"), [("   ", "Write a note"), ("x" * (workflow.NOTE_MAX + 1), "at most")])
async def test_a_refused_note_links_to_the_note_and_keeps_what_was_typed(login_as, reference, note, said):
    client = await login_as("officer")
    response = await client.post_form(f"/staff/tickets/{reference}/notes", {"note": note})
    assert response.status == 400
    html = await response.text()
    field, text = error_summary_link(html)
    assert field == "note" and said in text
    _field_shows_error(html, "note", text)
    if note.strip():
        assert f">{note}</textarea>" in html  # five thousand characters are not typed again


async def test_a_refused_assignment_links_to_the_assignee_field(login_as, make_staff, reference):
    client = await login_as("officer")
    colleague = await make_staff("officer")
    response = await client.post_form(f"/staff/tickets/{reference}/assign", {"assignee": str(colleague.id)})
    assert response.status == 400
    html = await response.text()
    field, text = error_summary_link(html)
    assert field == "assignee" and "Only a supervisor" in text
    _field_shows_error(html, "assignee", text)
