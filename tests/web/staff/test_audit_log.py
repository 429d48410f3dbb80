"""What the audit log records: every dashboard page or API call that shows residents' or staff's data."""

from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry
from bot.services import clock
from bot.services.complaints import tickets as complaint_tickets
from bot.services.complaints.details import ComplaintDetails
from bot.services.lost_property.reports import create_report
from bot.services.lost_property.search import LostQuery

# These show no resident's or colleague's data (links and counts, the caller's own identity, empty forms).
NOT_AUDITED = {"/staff", "/staff/login", "/api/staff/me", "/staff/privacy"}


async def _rows(sessions) -> int:
    async with unit_of_work(sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEntry)))


async def _examples(sessions, staff_id: int) -> dict[str, str]:
    async with unit_of_work(sessions) as session:
        details = ComplaintDetails(complainant_role="affected", name="Ada Lane", narrative="He shouted at me.",
                                   email="ada@example.org")
        complaint, _ = await complaint_tickets.create(session, details, sender_id="sender-audit", key="audit",
                                                      now=datetime.now(timezone.utc))
        report = await create_report(
            session, LostQuery("other", "blue umbrella", "", "Hitchin", clock.today()),
            contact_name="Ada Lane", contact="ada@example.org", actor="conversation:test",
        )
    return {"reference": complaint.reference, "report_id": str(report.id), "staff_id": str(staff_id)}


async def test_every_get_that_shows_data_is_audited(login_as, api_token, sessions):
    client = await login_as("supervisor")
    bearer = {"Authorization": f"Bearer {await api_token('supervisor')}"}
    values = await _examples(sessions, client.staff.id)
    paths = sorted({
        route.resource.canonical for route in client.server.app.router.routes()
        if route.method == "GET" and route.resource is not None
        and route.resource.canonical.startswith(("/staff", "/api/tickets", "/api/staff"))
    })
    assert "/staff/lost-property" in paths and "/api/tickets/{reference}" in paths
    unaudited = []
    for path in paths:
        if path in NOT_AUDITED:
            continue
        before = await _rows(sessions)
        headers = bearer if path.startswith("/api/") else {}
        response = await client.get(path.format(**values), headers=headers, allow_redirects=False)
        assert response.status == 200, (path, response.status)
        if await _rows(sessions) == before:
            unaudited.append(path)
    assert unaudited == []


async def test_the_lost_property_list_records_who_looked(login_as, sessions):
    client = await login_as("officer")
    assert (await client.get("/staff/lost-property?status=closed")).status == 200
    async with unit_of_work(sessions) as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "lost_property.listed"))
    assert entry is not None
    assert entry.actor == f"staff:{client.staff.id}" and entry.details == {"status": "closed"}
