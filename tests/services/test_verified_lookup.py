"""The verified lookup every status check shares: lock, slow, verify, record, audit, alert, and the lock earned."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, ComplaintLookupAttempt, LookupAlert
from bot.services import attempt_limits, clock, lookup_alerts, verified_lookup
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


async def check(session, verify, conversation="conv-1", reference="REF-1", now=NOW, client_key=""):
    return await verified_lookup.check(
        session, KIND, conversation_id=conversation, reference=reference, verify=verify, now=now, client_key=client_key
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


async def test_failures_against_a_reference_from_anywhere_never_lock_it(session):
    for number in range(12):
        lookup = await check(session, Verifier(None), conversation=f"guesser-{number}", client_key=f"client:{number}")
        assert lookup.lock is None
    owner = await check(session, Verifier(), conversation="owner", client_key="client:owner")
    assert owner.outcome == "match" and owner.found == "the status"


async def test_the_delay_depends_on_earlier_failures_only_never_on_this_outcome(session):
    delays = []
    for number in range(8):
        lookup = await check(session, Verifier(None), conversation=f"guesser-{number}")
        delays.append(lookup.delay)
    assert delays == [0, 0, 0, 0, 0, 0.5, 1.0, 2.0]
    right = await check(session, Verifier(), conversation="owner")
    wrong = await check(session, Verifier(None), conversation="other")
    assert right.delay == wrong.delay == attempt_limits.MAX_REFERENCE_DELAY
    # The delay is audited with the outcome (no secret in it).
    last = (await audited(session))[-1]
    assert last == ("things.lookup", {"outcome": "no_match", "delay": attempt_limits.MAX_REFERENCE_DELAY})


async def test_a_locked_check_is_refused_at_once_without_delay(session):
    for number in range(attempt_limits.CLIENT_LIMIT):
        await check(session, Verifier(None), conversation=f"script-{number}", client_key="client:script")
    refused = await check(session, Verifier(), conversation="script-more", client_key="client:script")
    assert (refused.outcome, refused.delay, refused.lock.limit) == ("locked", 0.0, "client")
    assert (await audited(session))[-1] == ("things.lookup", {"outcome": "locked", "limit": "client"})


async def test_several_clients_failing_one_reference_raise_one_alert(session):
    for number in range(lookup_alerts.ALERT_SOURCES - 1):
        await check(session, Verifier(None), conversation=f"c-{number}", client_key=f"client:{number}")
    assert (await session.scalars(select(LookupAlert))).all() == []
    for number in range(lookup_alerts.ALERT_SOURCES - 1, 6):
        await check(session, Verifier(None), conversation=f"c-{number}", client_key=f"client:{number}")
    [alert] = (await session.scalars(select(LookupAlert))).all()
    assert (alert.kind, alert.reference, alert.failures, alert.sources) == ("things", "REF-1", 6, 6)
    raised = [details for action, details in await audited(session) if action == "things.alert"]
    assert raised == [{"alert_id": alert.id, "failures": 3, "sources": 3}]


async def test_one_client_failing_in_many_conversations_is_one_source(session):
    for number in range(5):
        await check(session, Verifier(None), conversation=f"c-{number}", client_key="client:same")
    assert (await session.scalars(select(LookupAlert))).all() == []


async def test_current_lock_asks_the_conversation_and_the_client(session):
    for number in range(5):
        await check(session, Verifier(None), conversation=f"guesser-{number}")
    assert await verified_lookup.current_lock(session, KIND, conversation_id="owner", now=NOW) is None
    for number in range(attempt_limits.CLIENT_LIMIT):
        await check(session, Verifier(None), conversation=f"script-{number}", client_key="client:script")
    lock = await verified_lookup.current_lock(session, KIND, conversation_id="new", client_key="client:script", now=NOW)
    assert lock is not None and lock.limit == "client"
    other = await verified_lookup.current_lock(session, KIND, conversation_id="new", client_key="client:x", now=NOW)
    assert other is None


@pytest.mark.parametrize(
    ("metadata", "key"),
    [
        ({"client": "client:0123456789abcdef"}, "client:0123456789abcdef"),
        ({"client": ""}, ""),
        ({"client": "x" * 65}, ""),
        ({"client": "not a key; DROP TABLE"}, ""),
        ({"client": 12}, ""),
        ({}, ""),
        (None, ""),
        ("client:abc", ""),
    ],
)
def test_the_client_key_is_read_from_metadata_only_when_it_is_one_of_ours(metadata, key):
    assert verified_lookup.client_key_from(metadata) == key


async def test_checks_from_one_address_at_once_never_pass_its_limit(sessions):
    """Conversations from one address checking at the same moment are taken one at a time, so the tenth failure
    locks the address for the checks still waiting: none of them verifies (a guesser gains no extra tries)."""
    verifier = Verifier(None)

    async def slow_verify():
        await asyncio.sleep(0.05)  # the secret's hash takes a while: every other check arrives meanwhile
        return await verifier()

    async def one(index):
        async with unit_of_work(sessions) as session:
            return await check(session, slow_verify, conversation=f"conv-{index}", client_key="client:same")

    lookups = await asyncio.gather(*(one(index) for index in range(attempt_limits.CLIENT_LIMIT + 3)))
    assert verifier.calls == attempt_limits.CLIENT_LIMIT
    assert sorted(lookup.outcome for lookup in lookups) == ["locked"] * 3 + ["no_match"] * attempt_limits.CLIENT_LIMIT
