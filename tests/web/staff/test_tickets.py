"""The complaints dashboard and its JSON API over HTTP: access, CSRF, roles, escaping, audit, the team's work."""

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry
from bot.services.complaints import tickets as complaint_tickets
from bot.services.complaints import workflow
from bot.services.complaints.details import ComplaintDetails
from tests.rasa_events import create_events
from tests.web.staff.conftest import error_summary_link

XSS_NAME = "<script>alert('name')</script>"
XSS_TEXT = 'An officer was rude. <img src=x onerror="alert(1)"> </dd><b>bold</b>'
SERIOUS = ComplaintDetails(
    complainant_role="affected",
    name="Sam Taylor",
    narrative="PC 4521 punched me and I ended up in hospital with a broken nose.",
    email="sam@example.com",
    wants_recorded=True,
)
MINOR = ComplaintDetails(
    complainant_role="witness", name=XSS_NAME, narrative=XSS_TEXT, location="<svg onload=alert(2)>", phone="07700900123"
)


@pytest.fixture
async def tickets(sessions):
    """Two tickets: a serious one (urgent, must be recorded) and one full of HTML, made a week ago."""
    made = {}
    async with unit_of_work(sessions) as session:
        for key, details in (("serious", SERIOUS), ("minor", MINOR)):
            complaint, _ = await complaint_tickets.create(
                session, details, sender_id=f"sender-{key}", key=key, now=datetime.now(timezone.utc) - timedelta(days=8)
            )
            made[key] = complaint.reference
    return made


async def audit_entries(sessions, action):
    async with unit_of_work(sessions) as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def ticket(sessions, reference):
    async with unit_of_work(sessions) as session:
        return await complaint_tickets.get(session, reference)


# --- access --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/staff/tickets"),
        ("GET", "/staff/tickets?status=all"),
        ("GET", "/staff/tickets.csv"),
        ("GET", "/staff/tickets/CRT-2026-00001"),
        ("POST", "/staff/tickets/CRT-2026-00001/status"),
        ("POST", "/staff/tickets/CRT-2026-00001/notes"),
        ("POST", "/staff/tickets/CRT-2026-00001/assign"),
    ],
)
async def test_every_dashboard_url_refuses_anonymous_access(staff_client, tickets, method, path):
    client = await staff_client()
    response = await client.request(method, path, data={"status": "closed"}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/tickets"), ("GET", "/api/tickets/CRT-2026-00001"), ("PATCH", "/api/tickets/CRT-2026-00001")],
)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-real-token", "Basic c3RhZmY6cGFzcw=="])
async def test_the_api_refuses_no_token_or_a_bad_one_with_401(staff_client, tickets, method, path, authorization):
    client = await staff_client()
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.request(method, path, headers=headers, json={"status": "closed"})
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_a_dashboard_session_is_not_an_api_token(login_as, tickets):
    client = await login_as("supervisor")
    assert (await client.get("/api/tickets")).status == 401


async def test_changes_without_the_csrf_token_are_refused(login_as, sessions, tickets):
    client = await login_as("officer")
    reference = tickets["minor"]
    for data in ({"status": "closed"}, {"status": "closed", "csrf_token": "forged"}):
        response = await client.post(f"/staff/tickets/{reference}/status", data=data, allow_redirects=False)
        assert response.status == 403
    assert (await ticket(sessions, reference)).status == "new"


async def test_an_officer_cannot_see_the_audit_log(login_as):
    officer = await login_as("officer")
    assert (await officer.get("/staff/audit", allow_redirects=False)).status == 403
    supervisor = await login_as("supervisor")
    assert (await supervisor.get("/staff/audit")).status == 200


# --- the queue -----------------------------------------------------------------------------------------------------


async def test_the_queue_puts_urgent_first_marks_overdue_and_escapes_everything(login_as, sessions, tickets):
    client = await login_as("officer")
    response = await client.get("/staff/tickets")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = await response.text()
    assert html.index(tickets["serious"]) < html.index(tickets["minor"])
    assert "Must be recorded under Schedule 3" in html
    assert "staff-tickets__row--overdue" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html
    entries = await audit_entries(sessions, "complaints.queue")
    assert entries[-1].actor == f"staff:{client.staff.id}"


async def test_filters_and_search(login_as, tickets):
    client = await login_as("officer")
    html = await (await client.get("/staff/tickets", params={"flag": "death_or_serious_injury"})).text()
    assert tickets["serious"] in html and tickets["minor"] not in html
    html = await (await client.get("/staff/tickets", params={"q": "sam tay"})).text()
    assert tickets["serious"] in html and tickets["minor"] not in html
    html = await (await client.get("/staff/tickets", params={"mine": "1"})).text()
    assert "No tickets match" in html
    assert (await client.get("/staff/tickets", params={"status": "bogus"}, allow_redirects=False)).status == 400


async def test_searches_are_audited_without_the_search_term(login_as, sessions, tickets):
    client = await login_as("officer")
    await client.get("/staff/tickets", params={"q": "Sam Taylor", "status": "new"})
    details = (await audit_entries(sessions, "complaints.queue"))[-1].details
    assert details == {"filters": {"status": "new"}, "searched": True}


async def test_csv_export_of_the_filtered_queue(login_as, sessions, tickets):
    client = await login_as("officer")
    response = await client.get("/staff/tickets.csv", params={"category": "officer_conduct"})
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert {row["reference"] for row in rows} <= set(tickets.values())
    assert rows[0]["reference"] == tickets["serious"]
    assert (await audit_entries(sessions, "complaints.export"))[-1].details["rows"] == len(rows)


# --- a ticket ------------------------------------------------------------------------------------------------------


async def test_a_ticket_shows_details_triage_reasons_and_is_audited(login_as, sessions, tickets):
    client = await login_as("officer")
    response = await client.get(f"/staff/tickets/{tickets['serious']}")
    html = await response.text()
    assert response.status == 200
    assert "Alleges death or serious injury" in html and "“broken nose”" in html
    assert "“punched”" in html and "sam@example.com" in html
    views = await audit_entries(sessions, "complaints.view")
    assert [(v.actor, v.subject, v.details) for v in views] == [
        (f"staff:{client.staff.id}", tickets["serious"], {"via": "page"})
    ]
    assert (await client.get("/staff/tickets/CRT-1999-00001", allow_redirects=False)).status == 404


async def test_complaint_text_renders_inert(login_as, tickets):
    client = await login_as("officer")
    html = await (await client.get(f"/staff/tickets/{tickets['minor']}")).text()
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<b>bold</b>"):
        assert raw not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


async def test_the_transcript_comes_from_rasas_events_escaped(login_as, sessions, tickets):
    said = [("user", "start a complaint"), ("bot", "First, who is making this?"),
            ("user", "<script>alert('t')</script>"), ("action", "")]
    async with unit_of_work(sessions) as session:
        await create_events(session, [("sender-minor", kind, words) for kind, words in said])
    client = await login_as("officer")
    html = await (await client.get(f"/staff/tickets/{tickets['minor']}")).text()
    assert "start a complaint" in html and "First, who is making this?" in html
    assert "<script>alert(&#39;t&#39;)" not in html and "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in html


async def test_status_changes_notes_and_assignment_from_the_page(login_as, sessions, tickets):
    client = await login_as("officer")
    reference = tickets["minor"]
    response = await client.post_form(f"/staff/tickets/{reference}/status", {"status": "acknowledged"})
    assert response.status == 303 and response.headers["Location"] == f"/staff/tickets/{reference}"
    await client.post_form(f"/staff/tickets/{reference}/notes", {"note": "Rang the witness <b>back</b>."})
    await client.post_form(f"/staff/tickets/{reference}/assign", {"assignee": str(client.staff.id)})
    complaint = await ticket(sessions, reference)
    assert complaint.status == "acknowledged"
    assert complaint.history[-1].changed_by_id == client.staff.id
    assert [note.text for note in complaint.notes] == ["Rang the witness <b>back</b>."]
    assert complaint.assigned_to_id == client.staff.id
    html = await (await client.get(f"/staff/tickets/{reference}")).text()
    assert "Rang the witness &lt;b&gt;back&lt;/b&gt;." in html
    actions = [entry.action for entry in await audit_entries(sessions, "complaints.status")]
    actions += [entry.action for entry in await audit_entries(sessions, "complaints.note")]
    actions += [entry.action for entry in await audit_entries(sessions, "complaints.assign")]
    assert actions == ["complaints.status", "complaints.note", "complaints.assign"]


async def test_refused_changes_explain_why(login_as, make_staff, sessions, tickets):
    client = await login_as("officer")
    colleague = await make_staff("officer")
    response = await client.post_form(f"/staff/tickets/{tickets['serious']}/status", {"status": "service_recovery"})
    assert response.status == 400
    field, text = error_summary_link(await response.text())
    assert field == "status" and "must be recorded under Schedule 3" in text
    response = await client.post_form(f"/staff/tickets/{tickets['serious']}/assign", {"assignee": str(colleague.id)})
    assert response.status == 400
    assert "Only a supervisor" in await response.text()
    supervisor = await login_as("supervisor")
    path = f"/staff/tickets/{tickets['serious']}/assign"
    response = await supervisor.post_form(path, {"assignee": str(colleague.id)})
    assert response.status == 303
    assert (await ticket(sessions, tickets["serious"])).assigned_to_id == colleague.id


# --- the JSON API --------------------------------------------------------------------------------------------------


async def test_api_lists_filters_and_shows_tickets(staff_client, api_token, sessions, tickets):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    body = await (await client.get("/api/tickets", headers=headers)).json()
    assert [row["reference"] for row in body["tickets"]] == [tickets["serious"], tickets["minor"]]
    assert body["tickets"][0]["flags"] == ["wants_recorded", "death_or_serious_injury", "criminal_or_disciplinary"]
    params = {"category": "officer_conduct", "q": "sam"}
    body = await (await client.get("/api/tickets", params=params, headers=headers)).json()
    assert [row["reference"] for row in body["tickets"]] == [tickets["serious"]]
    response = await client.get("/api/tickets", params={"flag": "nope"}, headers=headers)
    assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_filter"
    detail = await (await client.get(f"/api/tickets/{tickets['minor']}", headers=headers)).json()
    assert detail["name"] == XSS_NAME and detail["narrative"] == XSS_TEXT
    assert detail["allowed_statuses"][0] == "acknowledged"
    assert (await client.get("/api/tickets/CRT-1999-00001", headers=headers)).status == 404
    assert [e.details for e in await audit_entries(sessions, "complaints.view")] == [{"via": "api"}]


async def test_api_patch_changes_atomically(staff_client, api_token, sessions, tickets):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    path = f"/api/tickets/{tickets['serious']}"
    response = await client.patch(path, json={"status": "in_progress", "note": "Called Sam."}, headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "in_progress" and body["notes"][0]["text"] == "Called Sam."
    # A refused part undoes the whole request: the note is not added.
    response = await client.patch(path, json={"note": "second", "status": "service_recovery"}, headers=headers)
    assert response.status == 409
    assert [note.text for note in (await ticket(sessions, tickets["serious"])).notes] == ["Called Sam."]
    for bad in ({}, {"reference": "x"}, [], {"note": {"a": [1, 2]}}, {"note": 12345}, {"status": ["closed"]},
                {"assigned_to": True}, {"assigned_to": [3]}):
        response = await client.patch(path, json=bad, headers=headers)
        assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_body", bad
    json_type = {**headers, "Content-Type": "application/json"}
    for raw in (b"not json", b"[" * 50_000, b'{"note": ' + b"9" * 5000 + b"}"):
        response = await client.patch(path, data=raw, headers=json_type)
        assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_json"
    for content_type in ("text/plain", "application/json; charset=nonsense"):
        response = await client.patch(path, data=b'{"note": "x"}', headers={**headers, "Content-Type": content_type})
        assert response.status == 415 and (await response.json())["error"]["code"] == "unsupported_media_type"
    assert [note.text for note in (await ticket(sessions, tickets["serious"])).notes] == ["Called Sam."]


async def test_officers_are_offered_only_themselves_to_assign(login_as, tickets):
    officer = await login_as("officer")
    colleague = await login_as("officer")
    html = await (await officer.get(f"/staff/tickets/{tickets['minor']}")).text()
    assert f'<option value="{officer.staff.id}"' in html
    assert f'<option value="{colleague.staff.id}"' not in html
    supervisor = await login_as("supervisor")
    html = await (await supervisor.get(f"/staff/tickets/{tickets['minor']}")).text()
    assert f'<option value="{colleague.staff.id}"' in html


# --- unassigning: officers only their own tickets ------------------------------------------------------------------


async def _assign(sessions, reference, staff_id):
    async with unit_of_work(sessions) as session:
        complaint = await complaint_tickets.get(session, reference)
        complaint.assigned_to_id = staff_id


async def test_an_officer_cannot_unassign_or_take_a_colleagues_ticket_from_the_page(login_as, sessions, tickets):
    officer, colleague = await login_as("officer"), await login_as("officer")
    reference = tickets["minor"]
    await _assign(sessions, reference, colleague.staff.id)
    html = await (await officer.get(f"/staff/tickets/{reference}")).text()
    assert 'data-testid="assigned-elsewhere"' in html and f'action="/staff/tickets/{reference}/assign"' not in html
    for assignee in ("", str(officer.staff.id)):
        response = await officer.post_form(f"/staff/tickets/{reference}/assign", {"assignee": assignee})
        assert response.status == 400
        assert "only a supervisor can take it off them" in await response.text()
    assert (await ticket(sessions, reference)).assigned_to_id == colleague.staff.id
    assert await audit_entries(sessions, "complaints.assign") == []


async def test_an_officer_can_drop_their_own_ticket(login_as, sessions, tickets):
    officer = await login_as("officer")
    reference = tickets["minor"]
    await _assign(sessions, reference, officer.staff.id)
    response = await officer.post_form(f"/staff/tickets/{reference}/assign", {"assignee": ""})
    assert response.status == 303
    assert (await ticket(sessions, reference)).assigned_to_id is None


async def test_a_supervisor_can_unassign_anyone(login_as, sessions, tickets):
    supervisor, colleague = await login_as("supervisor"), await login_as("officer")
    reference = tickets["minor"]
    await _assign(sessions, reference, colleague.staff.id)
    assert (await supervisor.post_form(f"/staff/tickets/{reference}/assign", {"assignee": ""})).status == 303
    assert (await ticket(sessions, reference)).assigned_to_id is None


async def test_the_api_enforces_the_same_rule(api_token, make_staff, sessions, tickets, staff_client):
    colleague = await make_staff("officer")
    reference = tickets["serious"]
    await _assign(sessions, reference, colleague.id)
    client = await staff_client()
    officer = {"Authorization": f"Bearer {await api_token('officer')}"}
    for change in ({"assigned_to": None}, {"assigned_to": "none"}):
        response = await client.patch(f"/api/tickets/{reference}", json=change, headers=officer)
        assert response.status == 403
        assert (await response.json())["error"]["code"] == "invalid_assignee"
    # All or nothing: a refused unassignment undoes the note sent with it.
    response = await client.patch(f"/api/tickets/{reference}", headers=officer,
                                  json={"note": "taking this over", "assigned_to": None})
    assert response.status == 403
    after = await ticket(sessions, reference)
    assert after.assigned_to_id == colleague.id and after.notes == []
    supervisor = {"Authorization": f"Bearer {await api_token('supervisor')}"}
    response = await client.patch(f"/api/tickets/{reference}", json={"assigned_to": None}, headers=supervisor)
    assert response.status == 200 and (await response.json())["assigned_to"] is None


# --- someone else changed it first ---------------------------------------------------------------------------------


def _shown(html, field):
    match = re.search(rf'name="{field}" value="([^"]*)"', html)
    assert match, f"no {field} field on the page"
    return match.group(1)


async def test_a_change_from_a_page_loaded_before_someone_elses_is_refused(login_as, sessions, tickets):
    officer, supervisor = await login_as("officer"), await login_as("supervisor")
    reference = tickets["minor"]
    path = f"/staff/tickets/{reference}"
    stale = await (await officer.get(path)).text()
    assert _shown(stale, "expected_status") == "new" and _shown(stale, "expected_assignee") == ""
    current = await (await supervisor.get(path)).text()
    response = await supervisor.post_form(f"{path}/status",
                                          {"status": "closed", "expected_status": _shown(current, "expected_status")})
    assert response.status == 303
    # The officer's page still offers "In progress" from "New": sent now, it would reopen the closed ticket.
    response = await officer.post_form(f"{path}/status",
                                       {"status": "in_progress", "expected_status": _shown(stale, "expected_status")})
    assert response.status == 409
    html = await response.text()
    field, text = error_summary_link(html)
    assert field == "work" and text == "This ticket was changed by someone else; here it is as it is now."
    assert 'data-testid="status">Closed<' in html and _shown(html, "expected_status") == "closed"
    after = await ticket(sessions, reference)
    assert after.status == "closed" and [c.to_status for c in after.history] == ["new", "closed"]
    assert [e.actor for e in await audit_entries(sessions, "complaints.status")] == [f"staff:{supervisor.staff.id}"]
    # The same for the assignee: taken by a colleague since the page was loaded.
    await _assign(sessions, reference, supervisor.staff.id)
    response = await officer.post_form(f"{path}/assign", {"assignee": str(officer.staff.id),
                                                          "expected_assignee": _shown(stale, "expected_assignee")})
    assert response.status == 409 and "changed by someone else" in await response.text()
    assert (await ticket(sessions, reference)).assigned_to_id == supervisor.staff.id
    assert await audit_entries(sessions, "complaints.assign") == []


async def test_a_refused_change_shows_the_ticket_again_and_audits_that_view(login_as, sessions, tickets):
    client = await login_as("officer")
    reference = tickets["serious"]
    response = await client.post_form(f"/staff/tickets/{reference}/status", {"status": "bogus"})
    assert response.status == 400
    html = await response.text()
    assert "Sam Taylor" in html and "sam@example.com" in html
    views = await audit_entries(sessions, "complaints.view")
    actor = f"staff:{client.staff.id}"
    assert [(v.actor, v.subject, v.details) for v in views] == [(actor, reference, {"via": "page"})]
    refused = await audit_entries(sessions, "complaints.refused")
    assert [(r.actor, r.subject, r.details) for r in refused] == [
        (actor, reference, {"change": "status", "field": "status", "reason": "unknown"})
    ]
    assert await audit_entries(sessions, "complaints.status") == []


async def test_api_refuses_a_change_to_a_ticket_changed_since_it_was_read_with_409(
    staff_client, api_token, sessions, tickets
):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    path = f"/api/tickets/{tickets['minor']}"
    seen = await (await client.get(path, headers=headers)).json()
    assert seen["status"] == "new"
    async with unit_of_work(sessions) as session:  # a colleague closes it meanwhile
        await workflow.change_status(session, await complaint_tickets.get(session, tickets["minor"]), "closed",
                                     actor="staff:0", staff_id=None)
    change = {"status": "in_progress", "note": "Reopening.", "expected_status": seen["status"]}
    response = await client.patch(path, json=change, headers=headers)
    assert response.status == 409
    assert await response.json() == {"error": {
        "status": 409, "code": "ticket_changed",
        "message": "This ticket was changed by someone else; fetch it again to see it as it is now.",
    }}
    after = await ticket(sessions, tickets["minor"])
    assert after.status == "closed" and after.notes == []  # all or nothing: the note is not added either
    response = await client.patch(path, json={"assigned_to": None, "expected_assigned_to": 12345}, headers=headers)
    assert response.status == 409 and (await response.json())["error"]["code"] == "ticket_changed"
    # Each refusal is audited (nothing else of it is kept), as the page audits its own.
    [view] = await audit_entries(sessions, "complaints.view")  # the GET's, by the token's owner
    refused = await audit_entries(sessions, "complaints.refused")
    assert [(r.actor, r.subject, r.details) for r in refused] == [
        (view.actor, tickets["minor"], {"change": "api", "field": "ticket", "reason": "changed"})
    ] * 2
    # As it is now, the same change is made.
    response = await client.patch(path, json={**change, "expected_status": "closed", "expected_assigned_to": None},
                                  headers=headers)
    assert response.status == 200 and (await response.json())["status"] == "in_progress"
    # An expectation alone changes nothing; expectations are a status (text) and a staff id (or null).
    for bad in ({"expected_status": "new"}, {"note": "x", "expected_status": 3},
                {"note": "x", "expected_assigned_to": [1]}):
        response = await client.patch(path, json=bad, headers=headers)
        assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_body", bad


async def test_api_patch_that_changes_nothing_still_audits_the_ticket_it_shows(
    staff_client, api_token, sessions, tickets
):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    path = f"/api/tickets/{tickets['serious']}"
    for same in ({"status": "new"}, {"assigned_to": None}):
        response = await client.patch(path, json=same, headers=headers)
        assert response.status == 200 and (await response.json())["email"] == "sam@example.com"
    views = await audit_entries(sessions, "complaints.view")
    assert [(v.subject, v.details) for v in views] == [(tickets["serious"], {"via": "api"})] * 2
    assert await audit_entries(sessions, "complaints.status") == []
    assert await audit_entries(sessions, "complaints.assign") == []
