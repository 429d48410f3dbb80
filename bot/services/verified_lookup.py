"""A resident's status check of a reference and a secret (Track My Crime, a complaint's status), done one way.

Every check runs the same sequence: refuse if locked (conversation or reference), verify the secret, record
the attempt, audit the outcome, and audit a lock the failure has just earned. A wrong secret and an unknown
reference look the same. The attempts table and the audit log hold pseudonyms only (audit.pseudonym).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import attempt_limits, audit
from bot.services.attempt_limits import AttemptModel, Lock

Found = TypeVar("Found")


@dataclass(frozen=True)
class LookupKind:
    """What is being checked: its attempts table, the audit actions' prefix and the reference's pseudonym purpose."""

    attempts: AttemptModel
    audit_prefix: str  # audited as "<prefix>.lookup" (every outcome) and "<prefix>.locked" (a lock earned)
    reference_purpose: str


@dataclass(frozen=True)
class Lookup(Generic[Found]):
    """The outcome of a status check: a match, no match (maybe now locked), or refused because locked."""

    outcome: Literal["match", "no_match", "locked"]
    found: Found | None = None  # what the resident may be told, only on a match
    lock: Lock | None = None


def _keys(kind: LookupKind, conversation_id: str, reference: str) -> dict[str, str]:
    return {
        "conversation_key": audit.pseudonym(conversation_id, purpose="conversation"),
        "reference_key": audit.pseudonym(reference, purpose=kind.reference_purpose),
    }


async def current_lock(
    session: AsyncSession, kind: LookupKind, *, conversation_id: str, reference: str, now: datetime
) -> Lock | None:
    """The lock refusing this conversation (or this normalised reference, when not empty) a check now, if any."""
    keys = _keys(kind, conversation_id, reference)
    if not reference:
        keys["reference_key"] = ""  # no attempt has an empty key: only the conversation's own limit applies
    return await attempt_limits.current_lock(session, kind.attempts, now=now, **keys)


async def check(
    session: AsyncSession,
    kind: LookupKind,
    *,
    conversation_id: str,
    reference: str,
    verify: Callable[[], Awaitable[Found | None]],
    now: datetime,
) -> Lookup[Found]:
    """Check a normalised reference with `verify` (what to tell on a match, else None); audits every outcome.

    `verify` runs only when no lock refuses the check; if it raises (a malformed secret), nothing is recorded.
    """
    keys = _keys(kind, conversation_id, reference)
    subject = {"actor": keys["conversation_key"], "subject": keys["reference_key"]}
    lookup_action, locked_action = f"{kind.audit_prefix}.lookup", f"{kind.audit_prefix}.locked"

    lock = await attempt_limits.current_lock(session, kind.attempts, now=now, **keys)
    if lock is not None:
        await audit.record(session, action=lookup_action, details={"outcome": "locked", "limit": lock.limit}, **subject)
        return Lookup("locked", lock=lock)

    found = await verify()
    await attempt_limits.record_attempt(session, kind.attempts, succeeded=found is not None, now=now, **keys)
    outcome = "no_match" if found is None else "match"
    await audit.record(session, action=lookup_action, details={"outcome": outcome}, **subject)
    if found is not None:
        return Lookup("match", found=found)

    lock = await attempt_limits.current_lock(session, kind.attempts, now=now, **keys)
    if lock is not None:
        details = {"limit": lock.limit, "until": lock.until.isoformat()}
        await audit.record(session, action=locked_action, details=details, **subject)
    return Lookup("no_match", lock=lock)
