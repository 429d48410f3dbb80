"""Alerts for staff when several clients fail the status check of one reference (someone may be targeting it).

Raised by bot.services.verified_lookup after a failure, shown on the dashboard until a member of staff marks one
dealt with; raising and closing are audited (the audit log names the reference by pseudonym only). An alert keeps
the reference itself, so the daily purge (bot.services.retention) deletes it `retain_alerts_days` after it was
dealt with or, while nobody has, after its last failed check.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LookupAlert
from bot.services import audit
from bot.services.attempt_limits import Pressure

ALERT_SOURCES = 3  # different clients failing one reference within attempt_limits.WINDOW
KIND_LABELS = {"cases": "Track My Crime case", "complaints": "Complaint"}
RECENT = timedelta(days=30)  # closed alerts stay listed this long


async def _open_alert(session: AsyncSession, kind: str, reference_key: str) -> LookupAlert | None:
    query = (
        select(LookupAlert)
        .where(LookupAlert.kind == kind, LookupAlert.reference_key == reference_key, LookupAlert.closed_at.is_(None))
        .order_by(LookupAlert.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def note_failures(
    session: AsyncSession, *, kind: str, reference: str, reference_key: str, pressure: Pressure, now: datetime
) -> LookupAlert | None:
    """Raise an alert (once, audited) when enough clients failed this reference, or update the open one."""
    if pressure.sources < ALERT_SOURCES:
        return None
    alert = await _open_alert(session, kind, reference_key)
    if alert is not None:
        alert.failures = max(alert.failures, pressure.failures)
        alert.sources = max(alert.sources, pressure.sources)
        alert.last_failure_at = now
        await session.flush()
        return alert
    alert = LookupAlert(
        kind=kind, reference=reference, reference_key=reference_key, raised_at=now, last_failure_at=now,
        failures=pressure.failures, sources=pressure.sources,
    )
    session.add(alert)
    await session.flush()
    await audit.record(
        session, actor="system", action=f"{kind}.alert", subject=reference_key,
        details={"alert_id": alert.id, "failures": pressure.failures, "sources": pressure.sources},
    )
    return alert


async def open_count(session: AsyncSession) -> int:
    """How many alerts nobody has dealt with yet."""
    query = select(func.count()).select_from(LookupAlert).where(LookupAlert.closed_at.is_(None))
    return int(await session.scalar(query) or 0)


async def recent(session: AsyncSession, now: datetime) -> list[LookupAlert]:
    """Open alerts, then those closed within RECENT; newest first in each."""
    query = (
        select(LookupAlert)
        .where(LookupAlert.closed_at.is_(None) | (LookupAlert.closed_at > now - RECENT))
        .order_by(LookupAlert.closed_at.is_not(None), LookupAlert.raised_at.desc(), LookupAlert.id.desc())
    )
    return list((await session.scalars(query)).all())


async def about(session: AsyncSession, kind: str, reference_keys: list[str]) -> list[LookupAlert]:
    """The alerts of one kind about these references, by their pseudonyms (a subject access export), oldest first."""
    if not reference_keys:
        return []
    query = (
        select(LookupAlert)
        .where(LookupAlert.kind == kind, LookupAlert.reference_key.in_(reference_keys))
        .order_by(LookupAlert.raised_at, LookupAlert.id)
    )
    return list((await session.scalars(query)).all())


async def expire(session: AsyncSession, *, before: datetime) -> int:
    """Delete alerts dealt with before `before`, and open ones whose last failure was before it; how many went."""
    # A closed alert's last failure precedes its closing (failures after it raise a new alert), so one moment each.
    last_seen = func.coalesce(LookupAlert.closed_at, LookupAlert.last_failure_at)
    result = await session.execute(delete(LookupAlert).where(last_seen < before))
    return result.rowcount or 0


async def get(session: AsyncSession, alert_id: int) -> LookupAlert | None:
    """One alert by id."""
    return await session.get(LookupAlert, alert_id)


async def close(session: AsyncSession, alert: LookupAlert, *, staff_id: int, now: datetime) -> bool:
    """Mark an alert dealt with by this member of staff; False if it already was; audited."""
    if alert.closed_at is not None:
        return False
    alert.closed_at = now
    alert.closed_by_id = staff_id
    await session.flush()
    await audit.record(
        session, actor=f"staff:{staff_id}", action=f"{alert.kind}.alert_closed", subject=alert.reference_key,
        details={"alert_id": alert.id},
    )
    return True
