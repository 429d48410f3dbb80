"""The verified lookup every status check shares: lock, verify, record the attempt, audit, and the lock earned."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, ComplaintLookupAttempt
from bot.services import clock, verified_lookup
from bot.services.verified_lookup import LookupKind

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
KIND = LookupKind(attempts=ComplaintLookupAttempt, audit_prefix="things", reference_purpose="thing-ref")


class Verifier:
    """A verify callback that answers `found` (None: no match) and counts its calls."""

    def __init__(self, found="the status"):
        self.found = found
        self.calls = 0

    async def __call__(self):
        self.calls += 1
        if isinstance(self.found, Exception):
            raise self.found
        return self.found


async def check(session, verify, conversation="conv-1", reference="REF-1", now=NOW):
    return await verified_lookup.check(
        session, KIND, conversation_id=conversation, reference=reference, verify=verify, now=now
    )


async def audited(session):
    entries = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(entry.action, entry.details) for entry in entries]


async def test_a_match_tells_what_verify_found_and_is_recorded_and_audited(session):
    lookup = await check(session, Verifier("the status"))
    assert (lookup.outcome, lookup.found, lookup.lock) == ("match", "the status", None)
    [attempt] = (await session.scalars(select(ComplaintLookupAttempt))).all()
    assert attempt.succeeded and clock.aware(attempt.at) == NOW
    assert await audited(session) == [("things.lookup", {"outcome": "match"})]


async def test_no_match_is_recorded_as_a_failure(session):
    lookup = await check(session, Verifier(None))
    assert (lookup.outcome, lookup.found, lookup.lock) == ("no_match", None, None)
    [attempt] = (await session.scalars(select(ComplaintLookupAttempt))).all()
    assert not attempt.succeeded
    assert await audited(session) == [("things.lookup", {"outcome": "no_match"})]


async def test_the_log_and_the_attempts_hold_pseudonyms_only(session):
    await check(session, Verifier(None), conversation="conversation-secret", reference="REF-SECRET")
    [attempt] = (await session.scalars(select(ComplaintLookupAttempt))).all()
    [entry] = (await session.scalars(select(AuditEntry))).all()
    stored = f"{attempt.reference_key} {attempt.conversation_key} {entry.actor} {entry.subject} {entry.details}"
    assert "SECRET" not in stored.upper()
    assert entry.subject == attempt.reference_key and entry.subject.startswith("thing-ref:")
    assert entry.actor == attempt.conversation_key and entry.actor.startswith("conversation:")


async def test_a_malformed_secret_records_nothing(session):
    with pytest.raises(ValueError, match="bad secret"):
        await check(session, Verifier(ValueError("bad secret")))
    assert (await session.scalars(select(ComplaintLookupAttempt))).all() == []
    assert await audited(session) == []


async def test_the_third_failure_locks_the_conversation_and_a_locked_check_never_verifies(session):
    for minute in range(3):
        lookup = await check(session, Verifier(None), now=NOW + timedelta(minutes=minute))
    assert lookup.outcome == "no_match" and lookup.lock.limit == "conversation"
    assert lookup.lock.until == NOW + timedelta(minutes=62)
    verify = Verifier("the status")
    refused = await check(session, verify, now=NOW + timedelta(minutes=5))
    assert (refused.outcome, refused.found, refused.lock.limit) == ("locked", None, "conversation")
    assert verify.calls == 0
    actions = [action for action, _ in await audited(session)]
    assert actions == ["things.lookup"] * 3 + ["things.locked", "things.lookup"]
    assert (await audited(session))[-1][1] == {"outcome": "locked", "limit": "conversation"}
    # Another conversation may still check, and this one may again once the hour is over.
    assert (await check(session, Verifier(), conversation="conv-2", now=NOW + timedelta(minutes=5))).outcome == "match"
    assert (await check(session, Verifier(), now=NOW + timedelta(minutes=63))).outcome == "match"


async def test_five_failures_lock_the_reference_for_everyone(session):
    for number in range(5):
        lookup = await check(session, Verifier(None), conversation=f"guesser-{number}")
    assert lookup.lock.limit == "reference"
    assert (await check(session, Verifier(), conversation="owner")).outcome == "locked"
    assert (await check(session, Verifier(), conversation="owner", reference="REF-2")).outcome == "match"


async def test_current_lock_without_a_reference_asks_only_the_conversation(session):
    for number in range(5):
        await check(session, Verifier(None), conversation=f"guesser-{number}")
    lock = await verified_lookup.current_lock(session, KIND, conversation_id="owner", reference="", now=NOW)
    assert lock is None
    lock = await verified_lookup.current_lock(session, KIND, conversation_id="owner", reference="REF-1", now=NOW)
    assert lock is not None and lock.limit == "reference"
