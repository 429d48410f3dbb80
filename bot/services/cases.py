"""Track My Crime: normalising what victims type, verifying them, and the attempt limits.

Nothing here logs or audits the reference, the surname or the postcode: the audit log and the
attempts table hold pseudonyms only (bot.services.audit.pseudonym).
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import Case, CaseVerificationAttempt
from bot.services import attempt_limits, audit

FORCE_CODE = "41"  # Hertfordshire Constabulary's force code, the first part of every reference

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

# Three parts: force code, serial (3-7 digits), year (2 or 4 digits); any of / - . \ or spaces between them.
_REFERENCE = re.compile(r"(?<!\d)(\d{2})\s*[/\\.\-\s]\s*(\d{3,7})\s*[/\\.\-\s]\s*(\d{4}|\d{2})(?!\d)")
_POSTCODE = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})(?![A-Z0-9])")
_SURNAME_LEAD_IN = re.compile(
    r"^\s*(?:(?:my\s+)?(?:sur|last|family)\s*name\s*(?:is|'s|:)?|it\s*is|it'?s|its)\s+", re.IGNORECASE
)
_SURNAME_ALLOWED = re.compile(r"^[^\W\d_]+(?:[\s'\u2019.\-]+[^\W\d_]+)*\.?$")  # \u2019: a typographic apostrophe
_SURNAME_MAX = 60

# OWASP's minimum for Argon2id (19 MiB, 2 passes): slow enough to hurt guessing, fast enough for a chat.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


class CaseDetailError(ValueError):
    """Something a victim typed is not a valid reference, surname or postcode."""

    def __init__(self, field: str, reason: str = "format", *, force_code: str | None = None) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason  # "format", "force" (another force's reference) or "year" (in the future)
        self.force_code = force_code


def normalise_reference(raw: str, *, today: date | None = None) -> str:
    """The canonical 41/NNNNN/YY form of a crime reference number found in what was typed.

    Accepts "41/12345/24", "41 12345 24", "41-12345-2024" and the like, also inside a sentence. The serial is
    compared as a number and written with at least five digits (41/123/24 -> 41/00123/24). A four-digit year
    must be 20xx and is shortened to its last two digits; a two-digit year means 20yy. Years after this one and
    other forces' codes are refused with their own reason, so the caller can explain.
    """
    match = _REFERENCE.search(raw or "")
    if match is None:
        raise CaseDetailError("reference")
    force, serial, year = match.groups()
    if force != FORCE_CODE:
        raise CaseDetailError("reference", "force", force_code=force)
    if len(year) == 4:
        if not year.startswith("20"):
            raise CaseDetailError("reference", "year")
        year = year[2:]
    this_year = (today or utcnow().date()).year
    if 2000 + int(year) > this_year:
        raise CaseDetailError("reference", "year")
    return f"{FORCE_CODE}/{int(serial):05d}/{year}"


def normalise_surname(raw: str) -> str:
    """The letters of a surname, case-folded and without accents, spaces, hyphens or apostrophes."""
    text = _SURNAME_LEAD_IN.sub("", (raw or "").strip()).strip()
    if not text or len(text) > _SURNAME_MAX or not _SURNAME_ALLOWED.match(text):
        raise CaseDetailError("surname")
    decomposed = unicodedata.normalize("NFKD", text)
    # Combining accents are not letters, so "Zoë" and "Zoe" compare equal, as do "O'Brien" and "OBRIEN".
    return "".join(char for char in decomposed if char.isalpha()).casefold()


def normalise_postcode(raw: str) -> str:
    """A UK postcode found in what was typed, upper case with one space ("AL1 3AB")."""
    match = _POSTCODE.search((raw or "").upper())
    if match is None:
        raise CaseDetailError("postcode")
    return f"{match.group(1)} {match.group(2)}"


def _secret(surname: str, postcode: str) -> str:
    return f"{surname}\n{postcode}"


def hash_details(surname: str, postcode: str) -> str:
    """Argon2id hash, with a fresh random salt, of a normalised surname and postcode together."""
    return _HASHER.hash(_secret(surname, postcode))


def verify_details(verifier_hash: str, surname: str, postcode: str) -> bool:
    """True when the normalised surname and postcode are the ones hashed."""
    try:
        return _HASHER.verify(verifier_hash, _secret(surname, postcode))
    except (VerificationError, InvalidHashError):
        return False


@cache
def _decoy_hash() -> str:
    # Verifying against a decoy when the reference is unknown takes as long as a real check,
    # so response times do not reveal which references exist.
    return hash_details("decoy", "ZZ1 1ZZ")


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
        return cls(
            reference=case.reference,
            offence=case.offence,
            status=case.status,
            status_text=STATUSES.get(case.status, "Your case is open."),
            status_detail=case.status_detail,
            officer_name=case.officer_name,
            officer_contact=case.officer_contact,
            reported_on=case.reported_on,
            updated_on=case.updated_on,
        )


@dataclass(frozen=True)
class Lookup:
    """The outcome of a status check: a match, no match (maybe now locked), or refused because locked."""

    outcome: Literal["match", "no_match", "locked"]
    case: CaseStatus | None = None
    lock: attempt_limits.Lock | None = None


def _keys(conversation_id: str, reference: str) -> tuple[str, str]:
    return audit.pseudonym(conversation_id, purpose="conversation"), audit.pseudonym(reference, purpose="case-ref")


async def current_lock(
    session: AsyncSession, *, conversation_id: str, reference: str | None = None, now: datetime | None = None
) -> attempt_limits.Lock | None:
    """The lock that refuses this conversation (or this reference, when given) a check now, if any."""
    now = now or utcnow()
    normalised = normalise_reference(reference, today=now.date()) if reference else ""
    conversation_key, reference_key = _keys(conversation_id, normalised)
    # Without a reference only the conversation's own limit can apply; no attempt has an empty key.
    return await attempt_limits.current_lock(
        session,
        CaseVerificationAttempt,
        conversation_key=conversation_key,
        reference_key=reference_key if reference else "",
        now=now,
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
    now = now or utcnow()
    reference = normalise_reference(reference, today=now.date())
    conversation_key, reference_key = _keys(conversation_id, reference)
    subject = {"actor": conversation_key, "subject": reference_key}
    keys = {"conversation_key": conversation_key, "reference_key": reference_key}

    lock = await attempt_limits.current_lock(session, CaseVerificationAttempt, now=now, **keys)
    if lock is not None:
        await audit.record(
            session, action="cases.lookup", details={"outcome": "locked", "limit": lock.limit}, **subject
        )
        return Lookup("locked", lock=lock)

    surname = normalise_surname(surname or "")
    postcode = normalise_postcode(postcode or "")
    case = await session.scalar(select(Case).where(Case.reference == reference))
    verifier = case.verifier_hash if case is not None else await asyncio.to_thread(_decoy_hash)
    matched = await asyncio.to_thread(verify_details, verifier, surname, postcode) and case is not None

    await attempt_limits.record_attempt(session, CaseVerificationAttempt, succeeded=matched, now=now, **keys)
    outcome = "match" if matched else "no_match"
    await audit.record(session, action="cases.lookup", details={"outcome": outcome}, **subject)
    if case is not None and matched:
        return Lookup("match", case=CaseStatus.of(case))

    lock = await attempt_limits.current_lock(session, CaseVerificationAttempt, now=now, **keys)
    if lock is not None:
        details = {"limit": lock.limit, "until": lock.until.isoformat()}
        await audit.record(session, action="cases.locked", details=details, **subject)
    return Lookup("no_match", lock=lock)
