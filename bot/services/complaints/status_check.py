"""The resident's "what's happening with my complaint?": reference + e-mail, with Track My Crime's protections.

A wrong reference and a wrong e-mail get the same answer; failures are limited per conversation and per client
address, a reference failed from many addresses answers more slowly, and every outcome is audited under
pseudonyms only (bot.services.verified_lookup).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Complaint, ComplaintLookupAttempt
from bot.services import clock, verified_lookup
from bot.services.attempt_limits import Lock
from bot.services.complaints.answers import normalise_email
from bot.services.complaints.references import normalise_reference
from bot.services.verified_lookup import LookupKind

LOOKUP = LookupKind(attempts=ComplaintLookupAttempt, audit_prefix="complaints", reference_purpose="complaint-ref")

# What the resident is told about each status.
PUBLIC_STATUS: dict[str, str] = {
    "new": "We've received your complaint and the Complaint Resolution Team will acknowledge it soon.",
    "acknowledged": "The Complaint Resolution Team has acknowledged your complaint and will be in touch.",
    "in_progress": "The Complaint Resolution Team is looking into your complaint.",
    "recorded": "Your complaint has been formally recorded and is being handled under the police complaints rules.",
    "service_recovery": "Your complaint has been resolved by the Complaint Resolution Team.",
    "closed": "Your complaint is closed.",
}


@dataclass(frozen=True)
class ComplaintStatus:
    """What a resident who proved it is theirs is told."""

    reference: str
    status: str
    status_text: str
    submitted_on: date
    acknowledge_by: date

    @classmethod
    def of(cls, complaint: Complaint) -> ComplaintStatus:
        """The resident's view of a ticket."""
        text = PUBLIC_STATUS[complaint.status]
        submitted_on = clock.local_date(complaint.created_at)  # the day it was made in Hertfordshire, as its reference
        return cls(complaint.reference, complaint.status, text, submitted_on, complaint.acknowledge_by)


Lookup = verified_lookup.Lookup[ComplaintStatus]


async def current_lock(
    session: AsyncSession, *, conversation_id: str, client_key: str = "", now: datetime | None = None
) -> Lock | None:
    """The lock refusing this conversation (or this client address, when known) a check now, if any."""
    return await verified_lookup.current_lock(
        session, LOOKUP, conversation_id=conversation_id, client_key=client_key, now=now or clock.now()
    )


async def check_status(
    session: AsyncSession,
    *,
    conversation_id: str,
    reference: str,
    email: str | None,
    client_key: str = "",
    now: datetime | None = None,
) -> Lookup:
    """Check the e-mail against the complaint and say what may be told; audits every outcome.

    Raises ComplaintError if the reference or e-mail is malformed (and nothing is recorded then).
    """
    reference = normalise_reference(reference)

    async def verify() -> ComplaintStatus | None:
        typed = normalise_email(email or "")
        complaint = await session.scalar(select(Complaint).where(Complaint.reference == reference))
        stored = complaint.email if complaint is not None and complaint.email else "\0no e-mail\0"
        # Constant-time, and a missing ticket compares too, so timing does not tell which references exist.
        matched = hmac.compare_digest(stored.encode(), typed.encode())
        return ComplaintStatus.of(complaint) if matched and complaint is not None else None

    return await verified_lookup.check(
        session, LOOKUP, conversation_id=conversation_id, reference=reference, verify=verify, now=now or clock.now(),
        client_key=client_key,
    )
