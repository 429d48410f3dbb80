"""The resident's complaint status check: reference + e-mail, no disclosure on mismatch, limits, audit."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, ComplaintLookupAttempt
from bot.services import attempt_limits
from bot.services.complaints import references, status_check, tickets, workflow
from bot.services.complaints.details import ComplaintDetails, ComplaintError

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
DETAILS = ComplaintDetails(
    complainant_role="affected", name="Sam Taylor", narrative="The officer was rude to me.", email="sam@example.com"
)


@pytest.fixture
async def ticket(session):
    complaint, _ = await tickets.create(session, DETAILS, sender_id="filer", key="k", now=NOW)
    return complaint


async def check(session, reference="CRT-2026-00001", email="sam@example.com", conversation="resident", now=NOW,
                client_key=""):
    return await status_check.check_status(
        session, conversation_id=conversation, reference=reference, email=email, now=now, client_key=client_key
    )


@pytest.mark.parametrize("typed", ["CRT-2026-00001", "crt 2026 1", "my ref is CRT/2026/00001.", "CRT202600001"])
def test_references_are_normalised(typed):
    assert references.normalise_reference(typed) == "CRT-2026-00001"


def test_a_malformed_reference_is_refused():
    with pytest.raises(ComplaintError):
        references.normalise_reference("41/12345/26")


async def test_the_right_email_gets_the_status(session, ticket):
    lookup = await check(session, reference="crt-2026-1", email=" SAM@example.com ")
    assert lookup.outcome == "match"
    assert lookup.found.status == "new"
    assert lookup.found.status_text == status_check.PUBLIC_STATUS["new"]
    await workflow.change_status(session, ticket, "acknowledged", actor="staff:1", staff_id=None)
    assert (await check(session)).found.status_text == status_check.PUBLIC_STATUS["acknowledged"]


async def test_a_complaint_made_after_midnight_in_summer_is_dated_as_in_hertfordshire(session):
    made = datetime(2026, 6, 1, 23, 30, tzinfo=timezone.utc)  # 00:30 on 2 June, British Summer Time
    complaint, _ = await tickets.create(session, DETAILS, sender_id="filer", key="k", now=made)
    lookup = await check(session, reference=complaint.reference, now=made + timedelta(days=1))
    assert lookup.found.submitted_on == date(2026, 6, 2)


@pytest.mark.parametrize(
    ("reference", "email"), [("CRT-2026-00001", "other@example.com"), ("CRT-2026-00099", "sam@example.com")]
)
async def test_a_wrong_email_and_an_unknown_reference_look_the_same(session, ticket, reference, email):
    lookup = await check(session, reference=reference, email=email)
    assert lookup.outcome == "no_match"
    assert lookup.found is None


async def test_a_complaint_without_email_never_matches(session):
    details = ComplaintDetails(
        complainant_role="affected", name="Al", narrative="rude officer on the phone", phone="07700900123"
    )
    await tickets.create(session, details, sender_id="x", key="no-email", now=NOW)
    assert (await check(session, email="al@example.com")).outcome == "no_match"


async def test_three_failures_lock_the_conversation_for_an_hour(session, ticket):
    for _ in range(2):
        assert (await check(session, email="wrong@example.com")).lock is None
    third = await check(session, email="wrong@example.com")
    assert third.outcome == "no_match" and third.lock.limit == "conversation"
    assert (await check(session)).outcome == "locked"  # even with the right e-mail
    assert (await check(session, conversation="another")).outcome == "match"
    assert (await check(session, now=NOW + timedelta(hours=2))).outcome == "match"


async def test_failures_on_one_reference_from_everywhere_slow_it_but_its_owner_gets_in(session, ticket):
    for n in range(7):
        failed = await check(session, email="wrong@example.com", conversation=f"guesser-{n}", client_key=f"client:{n}")
        assert failed.lock is None
    owner = await check(session, conversation="owner", client_key="client:owner")
    assert owner.outcome == "match" and owner.delay == 2.0  # after 7 failures: 0.5 s after 5, doubling


async def test_one_address_guessing_from_many_conversations_locks_that_address(session, ticket):
    for n in range(attempt_limits.CLIENT_LIMIT):
        last = await check(session, email="wrong@example.com", conversation=f"script-{n}", client_key="client:script")
    assert last.lock.limit == "client"
    assert (await status_check.current_lock(session, conversation_id="script-new", client_key="client:script",
                                            now=NOW)).limit == "client"
    assert (await check(session, conversation="script-new", client_key="client:script")).outcome == "locked"
    assert (await check(session, conversation="owner", client_key="client:owner")).outcome == "match"


async def test_every_outcome_is_audited_under_pseudonyms_only(session, ticket):
    await check(session, email="wrong@example.com")
    await check(session)
    entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "complaints.lookup")))
    assert [entry.details["outcome"] for entry in entries] == ["no_match", "match"]
    for entry in entries:
        assert "CRT" not in (entry.subject or "") and "resident" not in entry.actor
        assert "sam@" not in repr(entry.details) and "wrong@" not in repr(entry.details)
    attempts = list(await session.scalars(select(ComplaintLookupAttempt)))
    assert len(attempts) == 2 and all(not a.reference_key.startswith("CRT") for a in attempts)
