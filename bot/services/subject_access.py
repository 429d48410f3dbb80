"""Subject access and erasure: everything held about one person, found by their e-mail address or phone number.

The chat itself is anonymous: a conversation can only be found through a complaint made in it (a lost report
keeps no link to its conversation). Both the export and the erasure are audited under a keyed pseudonym of
the address or number, never the address itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import AuditEntry, Complaint, ComplaintNote, LookupAlert, LostReport
from bot.services import audit, lookup_alerts, retention, tracker_events
from bot.services.complaints.transcript import Line, transcript
from bot.services.parsing import ParseError
from bot.services.parsing.contact import normalise_email, normalise_phone

OPEN_COMPLAINT_KEPT = (
    "complaint {reference} is still being handled ({status}): a complaint's record, with the complainant's "
    "contact details and account, must be kept while it is handled (Police Reform Act 2002, Schedule 3, and "
    "the Police (Complaints and Misconduct) Regulations 2020). It is anonymised {days} days after it is closed; "
    "run the erasure again once it is closed to anonymise it straight away."
)

CONVERSATION_KEPT = (
    "the conversation behind complaint {reference}: it is also the conversation behind {others}, whose personal "
    "data is still held, so it is kept with it and removed when that complaint is anonymised."
)


@dataclass(frozen=True)
class Subject:
    """The person asking: an e-mail address or a UK phone number, normalised as our tables store them."""

    kind: Literal["email", "phone"]
    value: str

    @classmethod
    def parse(cls, raw: str) -> Subject:
        """An e-mail address (with an @) or a UK phone number; ValueError if it is neither."""
        try:
            if "@" in raw:
                return cls("email", normalise_email(raw, typed_in_chat=False))
            return cls("phone", normalise_phone(raw))
        except ParseError as exc:
            raise ValueError("give an e-mail address or a UK phone number") from exc

    @property
    def label(self) -> str:
        """The keyed pseudonym the audit log names this person by."""
        return audit.pseudonym(self.value, purpose=f"subject-{self.kind}")


@dataclass
class Erasure:
    """What an erasure removed and what it kept (and why)."""

    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


async def complaints_of(session: AsyncSession, subject: Subject) -> list[Complaint]:
    """The complaints made with this e-mail address or phone number, oldest first."""
    column = Complaint.email if subject.kind == "email" else Complaint.phone
    query = (
        select(Complaint)
        .where(column == subject.value)
        .options(
            selectinload(Complaint.flags),
            selectinload(Complaint.notes).selectinload(ComplaintNote.author),
            selectinload(Complaint.history),
        )
        .order_by(Complaint.id)
    )
    return list((await session.scalars(query)).all())


async def lost_reports_of(session: AsyncSession, subject: Subject) -> list[LostReport]:
    """The lost-item reports left with this contact, oldest first."""
    query = (
        select(LostReport)
        .where(LostReport.contact == subject.value)
        .options(selectinload(LostReport.matched_item))
        .order_by(LostReport.id)
    )
    return list((await session.scalars(query)).all())


def _complaint(complaint: Complaint) -> dict[str, Any]:
    columns = {column.key: getattr(complaint, column.key) for column in Complaint.__table__.columns}
    for private in ("id", "submission_key", "sender_id", "assigned_to_id"):
        columns.pop(private)
    return {
        **columns,
        "flags": [{"code": flag.code, "triggers": flag.triggers} for flag in complaint.flags],
        "notes": [{"at": note.at, "text": note.text} for note in complaint.notes],
        "history": [{"at": c.at, "from": c.from_status, "to": c.to_status} for c in complaint.history],
    }


def _report(report: LostReport) -> dict[str, Any]:
    columns = {column.key: getattr(report, column.key) for column in LostReport.__table__.columns}
    columns.pop("id")
    columns["matched_item_id"] = report.matched_item.reference if report.matched_item else None
    return columns


def _alert(alert: LookupAlert) -> dict[str, Any]:
    return {"reference": alert.reference, "raised_at": alert.raised_at, "last_failure_at": alert.last_failure_at,
            "failures": alert.failures, "sources": alert.sources, "dealt_with_at": alert.closed_at}  # fmt: skip


def _entry(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.at, "actor": entry.actor, "action": entry.action, "subject": entry.subject,
            "details": entry.details}  # fmt: skip


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


async def _audit_entries(
    session: AsyncSession, subject: Subject, refs: list[str], senders: list[str]
) -> list[AuditEntry]:
    subjects = {subject.label, *refs, *(audit.pseudonym(ref, purpose="complaint-ref") for ref in refs)}
    actors = {audit.pseudonym(sender, purpose="conversation") for sender in senders}
    query = (
        select(AuditEntry)
        .where(or_(AuditEntry.subject.in_(subjects), AuditEntry.actor.in_(actors)))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list((await session.scalars(query)).all())


async def _whole_transcript(session: AsyncSession, sender_id: str) -> list[Line]:
    # The staff pages show the first TRANSCRIPT_LIMIT messages; the person is owed every one of them.
    return await transcript(session, sender_id, limit=await tracker_events.message_count(session, sender_id))


async def export(session: AsyncSession, subject: Subject, *, actor: str, now: datetime) -> dict[str, Any]:
    """One JSON-ready document of everything held about the person; audited."""
    complaints = await complaints_of(session, subject)
    reports = await lost_reports_of(session, subject)
    conversations = [
        {"complaint": complaint.reference,
         "transcript": [{"speaker": line.speaker, "text": line.text, "at": line.at}
                        for line in await _whole_transcript(session, complaint.sender_id)]}
        for complaint in complaints
    ]  # fmt: skip
    refs = [complaint.reference for complaint in complaints] + [report.reference for report in reports]
    entries = await _audit_entries(session, subject, refs, [complaint.sender_id for complaint in complaints])
    # Alerts name a reference, never a person: only a complaint's reference leads to one (a crime reference is
    # not linked to an e-mail address or phone number here).
    complaint_keys = [audit.pseudonym(complaint.reference, purpose="complaint-ref") for complaint in complaints]
    alerts = await lookup_alerts.about(session, "complaints", complaint_keys)
    document = {
        "subject": {subject.kind: subject.value},
        "generated_at": now,
        "note": (
            "The chat is anonymous: conversations are found only through a complaint made in them. Messages are "
            "stored with personal details replaced by placeholders such as [email]."
        ),
        "complaints": [_complaint(complaint) for complaint in complaints],
        "lost_reports": [_report(report) for report in reports],
        "conversations": conversations,
        "status_check_alerts": [_alert(alert) for alert in alerts],
        "audit_log": [_entry(entry) for entry in entries],
    }
    await audit.record(
        session, actor=actor, action="subject.exported", subject=subject.label,
        details={"complaints": len(complaints), "lost_reports": len(reports)},
    )  # fmt: skip
    return _jsonable(document)


async def erase(
    session: AsyncSession, subject: Subject, *, actor: str, complaint_retention_days: int
) -> Erasure:
    """Remove the person's lost reports and closed complaints' personal data; keep open complaints (and say so)."""
    erasure, anonymised = Erasure(), []
    for complaint in await complaints_of(session, subject):
        if complaint.status == "closed":
            await retention.anonymise_complaint(session, complaint)
            anonymised.append(complaint)
        else:
            erasure.kept.append(
                OPEN_COMPLAINT_KEPT.format(
                    reference=complaint.reference, status=complaint.status, days=complaint_retention_days
                )
            )
    for complaint in anonymised:  # once all are done: a conversation behind two of theirs went with the last
        if holders := await retention.conversation_kept_for(session, complaint.sender_id):
            erasure.removed.append(f"complaint {complaint.reference}: personal data removed")
            erasure.kept.append(CONVERSATION_KEPT.format(reference=complaint.reference, others=", ".join(holders)))
        else:
            erasure.removed.append(f"complaint {complaint.reference}: personal data and conversation removed")
    for report in await lost_reports_of(session, subject):
        erasure.removed.append(f"lost report {report.reference}: deleted")
        await session.delete(report)
    await session.flush()
    await audit.record(
        session, actor=actor, action="subject.erased", subject=subject.label,
        details={"removed": len(erasure.removed), "kept": len(erasure.kept)},
    )  # fmt: skip
    return erasure
