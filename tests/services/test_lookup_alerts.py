"""Alerts for staff: raised once when several clients fail one reference, updated, closed, listed (audited)."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.db.models import AuditEntry, LookupAlert
from bot.services import audit, lookup_alerts
from bot.services.attempt_limits import Pressure
from bot.services.staff import accounts

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


async def note(session, failures, sources, reference="41/10234/26", at=NOW, kind="cases"):
    return await lookup_alerts.note_failures(
        session, kind=kind, reference=reference, reference_key=audit.pseudonym(reference, purpose="case-ref"),
        pressure=Pressure(failures, sources), now=at,
    )


async def actions(session):
    return [entry.action for entry in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


async def test_fewer_sources_than_the_threshold_raise_nothing(session):
    assert await note(session, failures=9, sources=lookup_alerts.ALERT_SOURCES - 1) is None
    assert await lookup_alerts.open_count(session) == 0


async def test_an_alert_is_raised_once_then_updated(session):
    first = await note(session, failures=3, sources=3)
    again = await note(session, failures=7, sources=5, at=NOW + timedelta(minutes=5))
    assert again.id == first.id
    assert (again.failures, again.sources) == (7, 5)
    assert again.last_failure_at == NOW + timedelta(minutes=5)
    assert await lookup_alerts.open_count(session) == 1
    assert await actions(session) == ["cases.alert"]
    entry = await session.scalar(select(AuditEntry))
    # The audit log names the reference by pseudonym only; the alert itself keeps it for staff to act on.
    assert "10234" not in entry.subject and first.reference == "41/10234/26"


async def test_closing_is_audited_and_a_new_attack_raises_a_new_alert(session):
    supervisor = await accounts.add(session, "sup@herts.example", "supervisor", "a long enough password")
    alert = await note(session, failures=3, sources=3)
    assert await lookup_alerts.close(session, alert, staff_id=supervisor.id, now=NOW)
    assert not await lookup_alerts.close(session, alert, staff_id=supervisor.id, now=NOW)
    assert alert.closed_by_id == supervisor.id and await lookup_alerts.open_count(session) == 0
    newer = await note(session, failures=4, sources=4, at=NOW + timedelta(minutes=1))
    assert newer.id != alert.id
    assert await actions(session) == ["staff.add", "cases.alert", "cases.alert_closed", "cases.alert"]


async def test_recent_lists_open_alerts_first_and_drops_old_closed_ones(session):
    supervisor = await accounts.add(session, "sup@herts.example", "supervisor", "a long enough password")
    old = await note(session, 3, 3, reference="41/00001/26", at=NOW - timedelta(days=40))
    await lookup_alerts.close(session, old, staff_id=supervisor.id, now=NOW - timedelta(days=40))
    closed = await note(session, 3, 3, reference="41/00002/26", at=NOW - timedelta(days=2))
    await lookup_alerts.close(session, closed, staff_id=supervisor.id, now=NOW - timedelta(days=1))
    open_old = await note(session, 3, 3, reference="41/00003/26", at=NOW - timedelta(days=3))
    open_new = await note(session, 3, 3, reference="CRT-2026-00009", at=NOW, kind="complaints")
    listed = await lookup_alerts.recent(session, NOW)
    assert [alert.id for alert in listed] == [open_new.id, open_old.id, closed.id]
    assert len((await session.scalars(select(LookupAlert))).all()) == 4
