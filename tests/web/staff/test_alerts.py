"""Status-check alerts on the dashboard: a panel on the home page, the alerts page, closing one (all audited)."""

from datetime import datetime, timezone

from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, CaseVerificationAttempt, LookupAlert
from bot.services import audit, verified_lookup
from bot.services.cases.status import LOOKUP

REFERENCE = "41/10234/26"


async def guessed_from_many_addresses(sessions, sources=3, reference=REFERENCE):
    """What several strangers guessing one reference leave behind, through the real lookup."""

    async def wrong():
        return None

    async with unit_of_work(sessions) as session:
        for number in range(sources):
            await verified_lookup.check(
                session, LOOKUP, conversation_id=f"stranger-{number}", reference=reference, verify=wrong,
                now=datetime.now(timezone.utc), client_key=f"client:{number:016x}",
            )


async def test_no_alerts_no_panel(login_as):
    officer = await login_as("officer")
    html = await (await officer.get("/staff")).text()
    assert 'data-testid="alerts-panel"' not in html
    assert "No alerts in the last 30 days." in await (await officer.get("/staff/alerts")).text()


async def test_staff_see_the_alert_and_close_it(login_as, sessions):
    await guessed_from_many_addresses(sessions)
    officer = await login_as("officer")
    home = await (await officer.get("/staff")).text()
    assert 'data-testid="alerts-panel"' in home and "1 reference failed from several connections" in home
    page = await officer.get("/staff/alerts")
    html = await page.text()
    assert page.status == 200 and REFERENCE in html and "Track My Crime case" in html
    assert "<script" not in html
    async with unit_of_work(sessions) as session:
        alert = await session.scalar(select(LookupAlert))
    refused = await officer.post(f"/staff/alerts/{alert.id}/close", allow_redirects=False)  # no CSRF token
    assert refused.status == 403
    closed = await officer.post_form(f"/staff/alerts/{alert.id}/close")
    assert closed.status == 303 and closed.headers["Location"] == "/staff/alerts?closed=1"
    html = await (await officer.get("/staff/alerts?closed=1")).text()
    assert "The alert is marked as dealt with." in html and f"by {officer.staff.email}" in html
    assert 'data-testid="alerts-panel"' not in await (await officer.get("/staff")).text()
    async with unit_of_work(sessions) as session:
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    actions = [entry.action for entry in entries]
    assert actions.count("cases.alert") == 1 and actions.count("cases.alert_closed") == 1
    assert actions.count("alerts.viewed") == 2
    reference_key = audit.pseudonym(REFERENCE, purpose="case-ref")
    assert all(entry.subject == reference_key for entry in entries if entry.action.startswith("cases.alert"))
    assert REFERENCE not in repr([(entry.subject, entry.details) for entry in entries])


async def test_the_attempts_behind_an_alert_hold_pseudonyms_only(sessions):
    await guessed_from_many_addresses(sessions)
    async with unit_of_work(sessions) as session:
        attempts = list(await session.scalars(select(CaseVerificationAttempt)))
    assert len(attempts) == 3
    assert all(REFERENCE not in f"{a.reference_key}{a.client_key}{a.conversation_key}" for a in attempts)


async def test_closing_an_unknown_alert_is_not_found(login_as):
    officer = await login_as("officer")
    assert (await officer.post_form("/staff/alerts/424242/close")).status == 404
    assert (await officer.post_form("/staff/alerts/nope/close")).status == 404


async def test_the_panel_counts_every_open_alert(login_as, sessions):
    await guessed_from_many_addresses(sessions, reference="41/10234/26")
    await guessed_from_many_addresses(sessions, reference="41/20468/26")
    officer = await login_as("officer")
    assert "2 references failed from several connections" in await (await officer.get("/staff")).text()
