"""The resident's "what's happening with my complaint?": reference + e-mail, with Track My Crime's protections.

A wrong reference and a wrong e-mail get the same answer; failures are limited per conversation and per
reference (bot.services.attempt_limits); every outcome is audited under pseudonyms only.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import Complaint, ComplaintLookupAttempt
from bot.services import attempt_limits, audit
from bot.services.attempt_limits import Lock
from bot.services.complaints import PUBLIC_STATUS, REFERENCE_PREFIX, ComplaintError, normalise_email

_REFERENCE = re.compile(r"(?<![A-Z0-9])" + REFERENCE_PREFIX + r"\s*[-/ ]?\s*(\d{4})\s*[-/ ]?\s*(\d{1,5})(?!\d)", re.I)


def normalise_reference(raw: str) -> str:
    """The canonical CRT-YYYY-NNNNN found in what was typed ("crt 2026 42", "CRT-2026-00042")."""
    match = _REFERENCE.search(raw or "")
    if match is None:
        raise ComplaintError("reference")
    return f"{REFERENCE_PREFIX}-{match[1]}-{int(match[2]):05d}"


@dataclass(frozen=True)
class ComplaintStatus:
    """What a resident who proved it is theirs is told."""

    reference: str
    status: str
    status_text: str
    submitted_on: date
    acknowledge_by: date


@dataclass(frozen=True)
class Lookup:
    """The outcome of a status check: a match, no match (maybe now locked), or refused because locked."""

    outcome: Literal["match", "no_match", "locked"]
    complaint: ComplaintStatus | None = None
    lock: Lock | None = None


def _keys(conversation_id: str, reference: str) -> tuple[str, str]:
    return audit.pseudonym(conversation_id, purpose="conversation"), audit.pseudonym(reference, purpose="complaint-ref")


async def current_lock(
    session: AsyncSession, *, conversation_id: str, reference: str | None = None, now: datetime | None = None
) -> Lock | None:
    """The lock refusing this conversation (or this reference, when given) a check now, if any."""
    conversation_key, reference_key = _keys(conversation_id, normalise_reference(reference) if reference else "")
    return await attempt_limits.current_lock(
        session,
        ComplaintLookupAttempt,
        conversation_key=conversation_key,
        reference_key=reference_key if reference else "",
        now=now or utcnow(),
    )


async def check_status(
    session: AsyncSession, *, conversation_id: str, reference: str, email: str | None, now: datetime | None = None
) -> Lookup:
    """Check the e-mail against the complaint and say what may be told; audits every outcome.

    Raises ComplaintError if the reference or e-mail is malformed (and nothing is recorded then).
    """
    now = now or utcnow()
    reference = normalise_reference(reference)
    conversation_key, reference_key = _keys(conversation_id, reference)
    subject = {"actor": conversation_key, "subject": reference_key}
    lock = await attempt_limits.current_lock(
        session, ComplaintLookupAttempt, conversation_key=conversation_key, reference_key=reference_key, now=now
    )
    if lock is not None:
        details = {"outcome": "locked", "limit": lock.limit}
        await audit.record(session, action="complaints.lookup", details=details, **subject)
        return Lookup("locked", lock=lock)

    email = normalise_email(email or "")
    complaint = await session.scalar(select(Complaint).where(Complaint.reference == reference))
    stored = complaint.email if complaint is not None and complaint.email else "\0no e-mail\0"
    # Constant-time, and a missing ticket compares too, so timing does not tell which references exist.
    matched = hmac.compare_digest(stored.encode(), email.encode()) and complaint is not None

    await attempt_limits.record_attempt(
        session,
        ComplaintLookupAttempt,
        conversation_key=conversation_key,
        reference_key=reference_key,
        succeeded=matched,
        now=now,
    )
    await audit.record(
        session, action="complaints.lookup", details={"outcome": "match" if matched else "no_match"}, **subject
    )
    if complaint is not None and matched:
        return Lookup(
            "match",
            complaint=ComplaintStatus(
                reference=complaint.reference,
                status=complaint.status,
                status_text=PUBLIC_STATUS[complaint.status],
                submitted_on=complaint.created_at.date(),
                acknowledge_by=complaint.acknowledge_by,
            ),
        )
    lock = await attempt_limits.current_lock(
        session, ComplaintLookupAttempt, conversation_key=conversation_key, reference_key=reference_key, now=now
    )
    if lock is not None:
        details = {"limit": lock.limit, "until": lock.until.isoformat()}
        await audit.record(session, action="complaints.locked", details=details, **subject)
    return Lookup("no_match", lock=lock)
