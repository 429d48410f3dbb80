"""Track My Crime service: normalisation, hashing, verification, limits and the audit trail."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, Case, CaseVerificationAttempt
from bot.services import attempt_limits, cases
from bot.services.cases import CaseDetailError

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.date()


# --- normalisation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "41/12345/24",
        "41 12345 24",
        "41-12345-2024",
        "41/12345/2024",
        " 41 / 12345 / 24 ",
        "41.12345.24",
        "41\\12345\\24",
        "my ref is 41/12345/24 thanks",
        "crn: 41 - 12345 - 24.",
    ],
)
def test_references_are_normalised_however_typed(typed):
    assert cases.normalise_reference(typed, today=TODAY) == "41/12345/24"


def test_short_serials_are_padded_so_leading_zeros_do_not_matter():
    assert cases.normalise_reference("41/123/24", today=TODAY) == "41/00123/24"
    assert cases.normalise_reference("41/00123/24", today=TODAY) == "41/00123/24"
    assert cases.normalise_reference("41/1234567/24", today=TODAY) == "41/1234567/24"


@pytest.mark.parametrize("typed", ["", "hello", "41/12/24", "4112345 24", "41/12345/245", "41/12345", "12345"])
def test_malformed_references_are_refused_as_format(typed):
    with pytest.raises(CaseDetailError) as error:
        cases.normalise_reference(typed, today=TODAY)
    assert (error.value.field, error.value.reason) == ("reference", "format")


def test_other_forces_references_are_refused_with_their_code():
    with pytest.raises(CaseDetailError) as error:
        cases.normalise_reference("01/12345/24", today=TODAY)
    assert error.value.reason == "force"
    assert error.value.force_code == "01"


@pytest.mark.parametrize("typed", ["41/12345/27", "41/12345/2027", "41/12345/1999", "41/12345/2124"])
def test_years_in_the_future_or_last_century_are_refused(typed):
    with pytest.raises(CaseDetailError) as error:
        cases.normalise_reference(typed, today=TODAY)
    assert error.value.reason == "year"


def test_this_years_references_are_accepted():
    assert cases.normalise_reference("41/12345/2026", today=TODAY) == "41/12345/26"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Smith", "smith"),
        ("  SMITH ", "smith"),
        ("O'Brien", "obrien"),
        ("O\u2019Brien", "obrien"),
        ("o brien", "obrien"),
        ("Smith-Jones", "smithjones"),
        ("Zoë", "zoe"),
        ("Müller", "muller"),
        ("St. John", "stjohn"),
        ("my surname is Smith", "smith"),
        ("It's Smith", "smith"),
        ("last name: Patel", "patel"),
    ],
)
def test_surnames_are_normalised(typed, expected):
    assert cases.normalise_surname(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "12345", "smith@example.com", "Smith 2", "x" * 61, "41/12345/24"])
def test_things_that_are_not_surnames_are_refused(typed):
    with pytest.raises(CaseDetailError) as error:
        cases.normalise_surname(typed)
    assert error.value.field == "surname"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AL1 3AB", "AL1 3AB"),
        ("al13ab", "AL1 3AB"),
        ("  sg12   9xy ", "SG12 9XY"),
        ("it's WD17 1HP", "WD17 1HP"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
    ],
)
def test_postcodes_are_normalised(typed, expected):
    assert cases.normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "12345", "AL1", "hello there", "AL1 3A", "41/12345/24"])
def test_things_that_are_not_postcodes_are_refused(typed):
    with pytest.raises(CaseDetailError) as error:
        cases.normalise_postcode(typed)
    assert error.value.field == "postcode"


# --- hashing ---------------------------------------------------------------------------------------------------


def test_hashes_are_salted_per_row_and_verify_only_the_same_details():
    first = cases.hash_details("smith", "AL1 3AB")
    second = cases.hash_details("smith", "AL1 3AB")
    assert first != second  # a fresh salt each time
    assert first.startswith("$argon2id$")
    assert "smith" not in first.lower() and "al1" not in first.lower()
    assert cases.verify_details(first, "smith", "AL1 3AB")
    assert cases.verify_details(second, "smith", "AL1 3AB")
    assert not cases.verify_details(first, "smyth", "AL1 3AB")
    assert not cases.verify_details(first, "smith", "AL1 3AC")
    assert not cases.verify_details("not a hash", "smith", "AL1 3AB")


# --- the lock rule ---------------------------------------------------------------------------------------------


def _minutes(*offsets):
    return [NOW + timedelta(minutes=offset) for offset in offsets]


def test_fewer_failures_than_the_limit_lock_nothing():
    assert attempt_limits.lock_end(_minutes(-30, -10), limit=3, now=NOW) is None


def test_the_failure_that_reaches_the_limit_locks_for_an_hour_from_then():
    assert attempt_limits.lock_end(_minutes(-30, -20, -10), limit=3, now=NOW) == NOW + timedelta(minutes=50)


def test_failures_spread_over_more_than_the_window_lock_nothing():
    assert attempt_limits.lock_end(_minutes(-100, -40, -10), limit=3, now=NOW) is None


def test_a_lock_ends_after_an_hour():
    assert attempt_limits.lock_end(_minutes(-90, -80, -70), limit=3, now=NOW) is None


def test_naive_times_from_sqlite_are_taken_as_utc():
    naive = [moment.replace(tzinfo=None) for moment in _minutes(-3, -2, -1)]
    assert attempt_limits.lock_end(naive, limit=3, now=NOW) == NOW + timedelta(minutes=59)


# --- check_status on the database ------------------------------------------------------------------------------

REFERENCE = "41/10234/26"
DETAILS = {"surname": "Smith", "postcode": "AL1 3AB"}


@pytest.fixture
async def case(session):
    row = Case(
        reference=REFERENCE,
        offence="Burglary (dwelling)",
        reported_on=date(2026, 10, 3),
        verifier_hash=cases.hash_details("smith", "AL1 3AB"),
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
    return await cases.check_status(
        session, conversation_id=conversation, reference=reference, now=at, **{**DETAILS, **details}
    )


async def test_matching_details_give_the_status_in_plain_english(session, case):
    lookup = await _check(session, reference="41 10234 2026", surname="  SMITH", postcode="al13ab")
    assert lookup.outcome == "match"
    assert lookup.case is not None
    assert lookup.case.offence == "Burglary (dwelling)"
    assert lookup.case.status_text == "An officer is investigating your case."
    assert lookup.case.status_detail == "Forensic results are being analysed."
    assert lookup.case.updated_on == date(2026, 11, 14)
    assert lookup.case.officer_name == "DC Priya Sharma"


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
    assert lookup.case is None
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
    assert refused.outcome == "locked" and refused.case is None
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
    assert await cases.current_lock(session, conversation_id="conv-1", now=NOW) is None
    for minute in range(3):
        await _check(session, surname="Jones", at=NOW + timedelta(minutes=minute))
    lock = await cases.current_lock(session, conversation_id="conv-1", now=NOW + timedelta(minutes=5))
    assert lock is not None and lock.limit == "conversation"
    assert await cases.current_lock(session, conversation_id="conv-2", reference=REFERENCE, now=NOW) is None


async def test_missing_details_are_an_error_and_record_nothing(session, case):
    with pytest.raises(CaseDetailError):
        await _check(session, surname=None)
    assert (await session.scalars(select(CaseVerificationAttempt))).all() == []


async def test_old_attempts_are_purged(session, case):
    await _check(session, surname="Jones", at=NOW - timedelta(days=2))
    await _check(session)
    attempts = (await session.scalars(select(CaseVerificationAttempt))).all()
    assert len(attempts) == 1
