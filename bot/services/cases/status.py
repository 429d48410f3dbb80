"""Track My Crime's status check: a victim's reference, surname and postcode against the case (verified_lookup).

A mismatch of any detail gets the same answer; failures are limited per conversation and per reference.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Case, CaseVerificationAttempt
from bot.services import clock, verified_lookup
from bot.services.attempt_limits import Lock
from bot.services.cases.details import (
    decoy_hash,
    normalise_postcode,
    normalise_reference,
    normalise_surname,
    verify_details,
)
from bot.services.verified_lookup import LookupKind

LOOKUP = LookupKind(attempts=CaseVerificationAttempt, audit_prefix="cases", reference_purpose="case-ref")

# Plain English for each status code of the records system's export.
STATUSES: dict[str, str] = {
    "recorded": "Your report has been recorded and is waiting to be assigned for investigation.",
    "under_investigation": "An officer is investigating your case.",
    "suspect_identified": "A suspect has been identified and enquiries are continuing.",
    "with_cps": "The case file is with the Crown Prosecution Service, who decide whether to charge.",
    "charged": "Someone has been charged and the case is going to court.",
    "at_court": "The case is going through the courts.",
    "closed_no_further_action": (
        "The investigation has closed with no further action for now. It can be reopened if new information comes "
        "to light."
    ),
    "closed_outcome": "The case has been concluded.",
}


@dataclass(frozen=True)
class CaseStatus:
    """What a verified victim is told about their case."""

    reference: str
    offence: str
    status: str
    status_text: str
    status_detail: str
    officer_name: str
    officer_contact: str
    reported_on: date
    updated_on: date

    @classmethod
    def of(cls, case: Case) -> CaseStatus:
        """The victim's view of a case row."""
        copied = {field.name: getattr(case, field.name) for field in fields(cls) if field.name != "status_text"}
        return cls(**copied, status_text=STATUSES.get(case.status, "Your case is open."))


Lookup = verified_lookup.Lookup[CaseStatus]


async def current_lock(
    session: AsyncSession, *, conversation_id: str, reference: str | None = None, now: datetime | None = None
) -> Lock | None:
    """The lock that refuses this conversation (or this reference, when given) a check now, if any."""
    now = now or clock.now()
    normalised = normalise_reference(reference, today=clock.local_date(now)) if reference else ""
    return await verified_lookup.current_lock(
        session, LOOKUP, conversation_id=conversation_id, reference=normalised, now=now
    )


async def check_status(
    session: AsyncSession,
    *,
    conversation_id: str,
    reference: str,
    surname: str | None,
    postcode: str | None,
    now: datetime | None = None,
) -> Lookup:
    """Verify a victim's details against the case and say what they may be told; audits every outcome.

    Raises CaseDetailError if a detail is missing or malformed (and nothing is recorded then).
    """
    now = now or clock.now()
    reference = normalise_reference(reference, today=clock.local_date(now))

    async def verify() -> CaseStatus | None:
        typed = (normalise_surname(surname or ""), normalise_postcode(postcode or ""))
        case = await session.scalar(select(Case).where(Case.reference == reference))
        verifier = case.verifier_hash if case is not None else await asyncio.to_thread(decoy_hash)
        matched = await asyncio.to_thread(verify_details, verifier, *typed)
        return CaseStatus.of(case) if matched and case is not None else None

    return await verified_lookup.check(
        session, LOOKUP, conversation_id=conversation_id, reference=reference, verify=verify, now=now
    )
