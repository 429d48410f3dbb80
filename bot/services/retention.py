"""Retention: what is deleted, and when (`python -m bot purge`, which `run` starts daily).

- Conversations: deleted when nothing was said for `retain_conversations_days`, except the conversation
  behind a complaint, which goes with the complaint's personal data.
- Complaints: `retain_complaints_days` after a complaint is closed, its personal data (contact details,
  what the resident wrote, staff notes, the words that raised each triage flag) is removed and its
  conversation deleted; the anonymous ticket (reference, dates, category, flags, statuses) stays.
- Lost reports: deleted, contact details and all, `retain_lost_margin_days` after the matched found item's
  disposal date, or `retain_lost_reports_days` after they were made when no item was matched.
- The audit log: entries older than `retain_audit_days`. Forgotten conversations' hashes: after the
  conversation retention. Status-check attempts: after one day (attempt_limits.ATTEMPT_RETENTION), every kind.
- Status-check alerts, which name the reference: `retain_alerts_days` after they were dealt with or, while
  nobody has, after their last failed check (lookup_alerts.expire).
- Forms left half-filled: their values are removed after `form_idle_minutes` without a message (the sweep,
  also run on its own every few minutes).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AuditEntry,
    CaseVerificationAttempt,
    Complaint,
    ComplaintFlag,
    ComplaintLookupAttempt,
    ComplaintNote,
    ComplaintStatusChange,
    FoundItem,
    LostReport,
)
from bot.services import attempt_limits, clock, forgetting, lookup_alerts, tracker_events
from bot.settings import Settings

ANONYMISED = "[removed]"  # what a complaint's name becomes once its personal data is gone
# A complaint's fields of personal data, and what each becomes.
COMPLAINT_PERSONAL_FIELDS = {
    "name": ANONYMISED, "email": "", "phone": "", "preferred_contact": "", "narrative": "", "incident_when": "",
    "location": "", "people_involved": "", "injury_or_damage": "", "witnesses": "", "reference_numbers": "",
    "desired_outcome": "", "category_triggers": [],
}  # fmt: skip
# Every table of status-check attempts: the purge forgets old attempts even of a check nobody makes again.
ATTEMPT_MODELS = (CaseVerificationAttempt, ComplaintLookupAttempt)


@dataclass(frozen=True)
class Retention:
    """How long each kind of data is kept."""

    conversations: timedelta
    complaints: timedelta
    lost_reports: timedelta
    lost_margin: timedelta
    audit: timedelta
    alerts: timedelta
    form_idle: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Retention:
        """The periods the settings give."""
        return cls(
            conversations=timedelta(days=settings.retain_conversations_days),
            complaints=timedelta(days=settings.retain_complaints_days),
            lost_reports=timedelta(days=settings.retain_lost_reports_days),
            lost_margin=timedelta(days=settings.retain_lost_margin_days),
            audit=timedelta(days=settings.retain_audit_days),
            alerts=timedelta(days=settings.retain_alerts_days),
            form_idle=timedelta(minutes=settings.form_idle_minutes),
        )


@dataclass
class Purged:
    """What one purge removed, by kind."""

    conversations: int = 0
    complaints_anonymised: int = 0
    lost_reports: int = 0
    audit_entries: int = 0
    forgotten_records: int = 0
    status_check_attempts: int = 0
    status_check_alerts: int = 0

    def lines(self) -> list[str]:
        """One line per kind, for the command's output."""
        return [f"{name.replace('_', ' ')}: {count}" for name, count in asdict(self).items()]


async def complaints_due(session: AsyncSession, *, closed_before: datetime) -> list[Complaint]:
    """Closed complaints, not yet anonymised, whose last closing was before `closed_before`."""
    closed_at = (
        select(func.max(ComplaintStatusChange.at))
        .where(ComplaintStatusChange.complaint_id == Complaint.id, ComplaintStatusChange.to_status == "closed")
        .scalar_subquery()
    )
    query = select(Complaint).where(
        Complaint.status == "closed",
        Complaint.name != ANONYMISED,
        func.coalesce(closed_at, Complaint.updated_at) < closed_before,
    )
    return list((await session.scalars(query)).all())


async def anonymise_complaint(session: AsyncSession, complaint: Complaint) -> None:
    """Remove a complaint's personal data and its conversation, keeping the anonymous ticket.

    A conversation can hold several complaints: it stays while another of them keeps its personal data.
    """
    for name, value in COMPLAINT_PERSONAL_FIELDS.items():
        setattr(complaint, name, value)
    await session.execute(delete(ComplaintNote).where(ComplaintNote.complaint_id == complaint.id))
    await session.execute(update(ComplaintFlag).where(ComplaintFlag.complaint_id == complaint.id).values(triggers=[]))
    await session.flush()
    if not await conversation_kept_for(session, complaint.sender_id):
        await tracker_events.delete_conversations(session, [complaint.sender_id])


async def conversation_kept_for(session: AsyncSession, sender_id: str) -> list[str]:
    """The references of complaints made in this conversation whose personal data is still kept (it stays)."""
    query = select(Complaint.reference).where(Complaint.sender_id == sender_id, Complaint.name != ANONYMISED)
    return list((await session.scalars(query.order_by(Complaint.id))).all())


async def _kept_conversations(session: AsyncSession) -> set[str]:
    """Conversations behind complaints whose personal data is still kept (their transcript stays with them)."""
    rows = await session.scalars(select(Complaint.sender_id).where(Complaint.name != ANONYMISED))
    return set(rows.all())


async def lost_reports_due(session: AsyncSession, *, policy: Retention, now: datetime) -> list[LostReport]:
    """Lost reports past their time: matched item disposed of more than the margin ago, or unmatched and old."""
    disposed_before = (now - policy.lost_margin).date()
    matched_due = select(FoundItem.id).where(
        FoundItem.id == LostReport.matched_item_id, FoundItem.dispose_after < disposed_before
    )
    query = select(LostReport).where(
        or_(
            matched_due.exists(),
            LostReport.matched_item_id.is_(None) & (LostReport.created_at < now - policy.lost_reports),
        )
    )
    return list((await session.scalars(query)).all())


async def purge(session: AsyncSession, policy: Retention, *, now: datetime) -> Purged:
    """Delete everything past its retention in the caller's transaction; returns what went."""
    now, purged = _utc(now), Purged()
    for complaint in await complaints_due(session, closed_before=now - policy.complaints):
        await anonymise_complaint(session, complaint)
        purged.complaints_anonymised += 1
    kept = await _kept_conversations(session)
    idle_since = now - policy.conversations
    idle = [sender for sender in await tracker_events.idle_conversations(session, before=idle_since)
            if sender not in kept]  # fmt: skip
    purged.conversations = await tracker_events.delete_idle_conversations(session, idle, before=idle_since)
    reports = await lost_reports_due(session, policy=policy, now=now)
    for report in reports:
        await session.delete(report)
    purged.lost_reports = len(reports)
    result = await session.execute(delete(AuditEntry).where(AuditEntry.at < now - policy.audit))
    purged.audit_entries = result.rowcount or 0
    purged.forgotten_records = await forgetting.expire(session, before=now - policy.conversations)
    for model in ATTEMPT_MODELS:
        purged.status_check_attempts += await attempt_limits.forget_old_attempts(session, model, now=now)
    purged.status_check_alerts = await lookup_alerts.expire(session, before=now - policy.alerts)
    await session.flush()
    return purged


def _utc(now: datetime) -> datetime:
    # SQLite stores times as UTC text without their zone and compares them as text: a cutoff in another zone
    # (or a naive one, taken as UTC like every stored time) must be UTC, or rows go hours early or late.
    return clock.aware(now).astimezone(timezone.utc)


async def forms_to_sweep(session: AsyncSession, policy: Retention, *, now: datetime) -> list[str]:
    """Conversations holding form values with no message for `form_idle` (a form left half-filled)."""
    return await tracker_events.forms_left_idle(session, before=_utc(now) - policy.form_idle)


async def sweep_form(session: AsyncSession, sender_id: str, policy: Retention, *, now: datetime) -> int:
    """Remove one idle conversation's form values under its lock (call first in a new transaction)."""
    await forgetting.lock_conversation(session, sender_id)
    return await tracker_events.remove_form_values(session, sender_id, idle_before=_utc(now) - policy.form_idle)
