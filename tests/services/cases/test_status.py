"""Track My Crime's status check: verification, the limits and the audit trail."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, Case, CaseVerificationAttempt
from bot.services.cases import details, status
from bot.services.cases.details import CaseDetailError

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


# --- check_status on the database ------------------------------------------------------------------------------

REFERENCE = "41/10234/26"
DETAILS = {"surname": "Smith", "postcode": "AL1 3AB"}


@pytest.fixture
async def case(session):
    row = Case(
        reference=REFERENCE,
        offence="Burglary (dwelling)",
        reported_on=date(2026, 10, 3),
        verifier_hash=details.hash_details("smith", "AL1 3AB"),
        status="under_investigation",
        status_detail="Forensic results are being analysed.",
        officer_name="DC Priya Sharma",
        officer_contact="Call 101 and ask for DC Sharma",
        updated_on=date(2026, 11, 14),
    )
    session.add(row)
    await session.flush()
    return row


async def _check(session, conversation="conv-1", reference=REFERENCE, at=NOW, **details):
    return await status.check_status(
        session, conversation_id=conversation, reference=reference, now=at, **{**DETAILS, **details}
    )


async def test_matching_details_give_the_status_in_plain_english(session, case):
    lookup = await _check(session, reference="41 10234 2026", surname="  SMITH", postcode="al13ab")
    assert lookup.outcome == "match"
    assert lookup.found is not None
    assert lookup.found.offence == "Burglary (dwelling)"
    assert lookup.found.status_text == "An officer is investigating your case."
    assert lookup.found.status_detail == "Forensic results are being analysed."
    assert lookup.found.updated_on == date(2026, 11, 14)
    assert lookup.found.officer_name == "DC Priya Sharma"


@pytest.mark.parametrize(
    "wrong",
    [
        {"surname": "Smyth"},
        {"postcode": "AL1 3AC"},
        {"reference": "41/10235/26"},
        {"surname": "Jones", "postcode": "SG1 1AA"},
    ],
)
async def test_any_wrong_detail_gives_the_same_no_match(session, case, wrong):
    lookup = await _check(session, **wrong)
    assert lookup.outcome == "no_match"
    assert lookup.found is None
    assert lookup.lock is None


async def test_every_lookup_is_audited_without_personal_data(session, case):
    await _check(session)
    await _check(session, surname="Jones")
    entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "cases.lookup"))).all()
    assert [entry.details["outcome"] for entry in entries] == ["match", "no_match"]
    for entry in entries:
        text = f"{entry.actor} {entry.subject} {entry.details}".lower()
        for secret in ("10234", "smith", "jones", "al1", "3ab", "conv-1", "burglary"):
            assert secret not in text
    attempts = (await session.scalars(select(CaseVerificationAttempt))).all()
    assert len(attempts) == 2
    for attempt in attempts:
        assert "10234" not in attempt.reference_key and "conv-1" not in attempt.conversation_key


async def test_three_failures_in_a_conversation_lock_it_for_an_hour(session, case):
    for minute in range(3):
        lookup = await _check(session, surname="Jones", at=NOW + timedelta(minutes=minute))
        assert lookup.outcome == "no_match"
    assert lookup.lock is not None and lookup.lock.limit == "conversation"
    assert lookup.lock.until == NOW + timedelta(minutes=62)

    # Even the right details are refused now, and that refusal is audited too.
    refused = await _check(session, at=NOW + timedelta(minutes=30))
    assert refused.outcome == "locked" and refused.found is None
    actions = [entry.action for entry in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("cases.locked") == 1
    locked = await session.scalar(select(AuditEntry).where(AuditEntry.action == "cases.locked"))
    assert locked.details["limit"] == "conversation"

    # Another conversation is not affected by this one's lock ...
    assert (await _check(session, conversation="conv-2", at=NOW + timedelta(minutes=30))).outcome == "match"
    # ... and this one may try again an hour after the lock began.
    assert (await _check(session, at=NOW + timedelta(minutes=63))).outcome == "match"


async def test_five_failures_against_a_reference_from_anywhere_lock_the_reference(session, case):
    for number in range(5):
        lookup = await _check(session, conversation=f"stranger-{number}", surname="Jones")
        assert lookup.outcome == "no_match"
    assert lookup.lock is not None and lookup.lock.limit == "reference"
    victim = await _check(session, conversation="the-victim", at=NOW + timedelta(minutes=10))
    assert victim.outcome == "locked"
    assert victim.lock is not None and victim.lock.limit == "reference"
    # Other references are unaffected.
    other = await _check(session, conversation="the-victim", reference="41/99999/26", at=NOW + timedelta(minutes=10))
    assert other.outcome == "no_match"
    assert (await _check(session, conversation="the-victim", at=NOW + timedelta(minutes=61))).outcome == "match"


async def test_unknown_references_lock_like_real_ones(session, case):
    for number in range(5):
        await _check(session, conversation=f"stranger-{number}", reference="41/55555/26")
    assert (await _check(session, conversation="another", reference="41/55555/26")).outcome == "locked"


async def test_current_lock_is_what_the_form_checks_before_asking_more(session, case):
    assert await status.current_lock(session, conversation_id="conv-1", now=NOW) is None
    for minute in range(3):
        await _check(session, surname="Jones", at=NOW + timedelta(minutes=minute))
    lock = await status.current_lock(session, conversation_id="conv-1", now=NOW + timedelta(minutes=5))
    assert lock is not None and lock.limit == "conversation"
    assert await status.current_lock(session, conversation_id="conv-2", reference=REFERENCE, now=NOW) is None


async def test_missing_details_are_an_error_and_record_nothing(session, case):
    with pytest.raises(CaseDetailError):
        await _check(session, surname=None)
    assert (await session.scalars(select(CaseVerificationAttempt))).all() == []


async def test_old_attempts_are_purged(session, case):
    await _check(session, surname="Jones", at=NOW - timedelta(days=2))
    await _check(session)
    attempts = (await session.scalars(select(CaseVerificationAttempt))).all()
    assert len(attempts) == 1
