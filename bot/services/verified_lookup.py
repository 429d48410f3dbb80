"""A resident's status check of a reference and a secret (Track My Crime, a complaint's status), done one way.

Every check runs the same sequence: wait for any other check of the same client to finish, refuse if this
conversation or this client address is locked, work out how long a reference many have failed must wait, verify
the secret, record the attempt, audit the outcome, tell staff when several clients fail one reference, and audit
a lock the failure has just earned. A wrong secret and an unknown reference look the same, and take the same
time: the wait depends only on earlier failures, never on this check's outcome. The attempts table and the audit
log hold pseudonyms only (audit.pseudonym).

The client's address reaches the action server only as a pseudonym, which the web relay puts in the REST
message's metadata under CLIENT_METADATA_KEY (`client_key_from` reads it).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import attempt_limits, audit, lookup_alerts
from bot.services.attempt_limits import AttemptModel, Lock

Found = TypeVar("Found")
CLIENT_METADATA_KEY = "client"
_CLIENT_KEY = re.compile(r"[A-Za-z0-9:_-]{1,64}")


@dataclass(frozen=True)
class LookupKind:
    """What is being checked: its attempts table, the audit actions' prefix and the reference's pseudonym purpose."""

    attempts: AttemptModel
    audit_prefix: str  # audited as "<prefix>.lookup", "<prefix>.locked" (a lock earned), "<prefix>.alert"
    reference_purpose: str


@dataclass(frozen=True)
class Lookup(Generic[Found]):
    """The outcome of a status check: a match, no match (maybe now locked), or refused because locked."""

    outcome: Literal["match", "no_match", "locked"]
    found: Found | None = None  # what the resident may be told, only on a match
    lock: Lock | None = None
    delay: float = 0.0  # seconds to wait before answering: the reference has been failed a lot lately


def client_key_from(metadata: Any) -> str:
    """The client pseudonym in a message's metadata, or "" when there is none (or it is not one of ours)."""
    value = metadata.get(CLIENT_METADATA_KEY) if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and _CLIENT_KEY.fullmatch(value) else ""


def _keys(kind: LookupKind, conversation_id: str, reference: str) -> dict[str, str]:
    return {
        "conversation_key": audit.pseudonym(conversation_id, purpose="conversation"),
        "reference_key": audit.pseudonym(reference, purpose=kind.reference_purpose),
    }


async def current_lock(
    session: AsyncSession, kind: LookupKind, *, conversation_id: str, client_key: str = "", now: datetime
) -> Lock | None:
    """The lock refusing this conversation (or this client address, when known) a check now, if any."""
    conversation_key = audit.pseudonym(conversation_id, purpose="conversation")
    return await attempt_limits.current_lock(
        session, kind.attempts, conversation_key=conversation_key, client_key=client_key, now=now
    )


async def check(
    session: AsyncSession,
    kind: LookupKind,
    *,
    conversation_id: str,
    reference: str,
    verify: Callable[[], Awaitable[Found | None]],
    now: datetime,
    client_key: str = "",
) -> Lookup[Found]:
    """Check a normalised reference with `verify` (what to tell on a match, else None); audits every outcome.

    `verify` runs only when no lock refuses the check; if it raises (a malformed secret), nothing is recorded.
    The caller waits `delay` before answering, after its transaction (so no database connection is held).
    """
    keys = _keys(kind, conversation_id, reference)
    subject = {"actor": keys["conversation_key"], "subject": keys["reference_key"]}
    lookup_action, locked_action = f"{kind.audit_prefix}.lookup", f"{kind.audit_prefix}.locked"

    await attempt_limits.one_check_at_a_time(
        session, kind.attempts, conversation_key=keys["conversation_key"], client_key=client_key, now=now
    )
    lock = await current_lock(session, kind, conversation_id=conversation_id, client_key=client_key, now=now)
    if lock is not None:
        await audit.record(session, action=lookup_action, details={"outcome": "locked", "limit": lock.limit}, **subject)
        return Lookup("locked", lock=lock)

    reference_key = keys["reference_key"]
    before = await attempt_limits.reference_pressure(session, kind.attempts, reference_key=reference_key, now=now)
    delay = attempt_limits.reference_delay(before.failures)
    found = await verify()
    await attempt_limits.record_attempt(
        session, kind.attempts, succeeded=found is not None, now=now, client_key=client_key, **keys
    )
    details: dict[str, Any] = {"outcome": "no_match" if found is None else "match"}
    if delay:
        details["delay"] = delay
    await audit.record(session, action=lookup_action, details=details, **subject)
    if found is not None:
        return Lookup("match", found=found, delay=delay)

    after = await attempt_limits.reference_pressure(session, kind.attempts, reference_key=reference_key, now=now)
    await lookup_alerts.note_failures(
        session, kind=kind.audit_prefix, reference=reference, reference_key=reference_key, pressure=after, now=now
    )
    lock = await current_lock(session, kind, conversation_id=conversation_id, client_key=client_key, now=now)
    if lock is not None:
        await audit.record(
            session, action=locked_action, details={"limit": lock.limit, "until": lock.until.isoformat()}, **subject
        )
    return Lookup("no_match", lock=lock, delay=delay)
