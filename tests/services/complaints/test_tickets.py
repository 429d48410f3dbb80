"""Complaint tickets: one ticket per form, references, triage stored with reasons, audit."""

import asyncio
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, Complaint
from bot.services.complaints import references, tickets
from bot.services.complaints.details import ComplaintDetails, ComplaintError

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)  # a Friday

DETAILS = ComplaintDetails(
    complainant_role="affected",
    name="Sam Taylor",
    narrative="PC 4521 pushed me against the wall and I was taken to hospital with a broken wrist.",
    email="sam@example.com",
    phone="07700900123",
    preferred_contact="email",
    incident_date=date(2026, 11, 17),
    incident_when="last Tuesday",
    location="St Albans station",
    people_involved="PC 4521",
    injury_or_damage="broken wrist",
    witnesses="my sister",
    reference_numbers="41/10234/26",
    desired_outcome="an apology",
    wants_recorded=True,
)
SERVICE = ComplaintDetails(
    complainant_role="witness", name="Alex Doe", narrative="I rang 101 about a car crash and nobody came for hours."
)


async def make(session, details=DETAILS, key="key-1", sender="sender-1", now=NOW):
    return await tickets.create(session, details, sender_id=sender, key=key, now=now)


async def test_a_complaint_gets_a_reference_triage_and_due_date(session):
    complaint, created = await make(session)
    assert created
    assert complaint.reference == "CRT-2026-00001"
    assert complaint.status == "new"
    assert complaint.category == "officer_conduct"
    assert complaint.must_record
    assert complaint.priority == 1
    assert complaint.acknowledge_by == date(2026, 11, 23)  # one working day after a Friday
    codes = {flag.code: flag.triggers for flag in complaint.flags}
    assert set(codes) == {"wants_recorded", "death_or_serious_injury", "criminal_or_disciplinary"}
    assert "broken wrist" in codes["death_or_serious_injury"]
    assert [change.to_status for change in complaint.history] == ["new"]


async def test_references_count_up_per_year(session):
    first, _ = await make(session, key="a")
    second, _ = await make(session, SERVICE, key="b")
    next_year, _ = await make(session, SERVICE, key="c", now=datetime(2027, 1, 4, 9, tzinfo=timezone.utc))
    assert (first.reference, second.reference, next_year.reference) == (
        "CRT-2026-00001",
        "CRT-2026-00002",
        "CRT-2027-00001",
    )
    assert second.acknowledge_by == date(2026, 11, 27)  # normal priority: five working days


async def test_the_same_form_submitted_twice_makes_one_ticket(session):
    first, created = await make(session, key="same")
    again, created_again = await make(session, key="same")
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert await session.scalar(select(func.count()).select_from(Complaint)) == 1


async def test_concurrent_submissions_of_one_form_make_one_ticket(sessions):
    results = await asyncio.gather(
        *(tickets.submit(sessions, DETAILS, sender_id="s", key="race") for _ in range(4))
    )
    assert len({complaint.id for complaint, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    async with unit_of_work(sessions) as session:
        assert await session.scalar(select(func.count()).select_from(Complaint)) == 1


async def test_concurrent_different_forms_get_distinct_references(sessions):
    results = await asyncio.gather(
        *(tickets.submit(sessions, SERVICE, sender_id="s", key=f"form-{n}") for n in range(5))
    )
    assert sorted(complaint.reference for complaint, _ in results) == [f"CRT-{NOW.year}-0000{n}" for n in range(1, 6)]


async def test_incomplete_details_are_refused(session):
    with pytest.raises(ComplaintError):
        await make(session, ComplaintDetails(complainant_role="affected", name="", narrative="something happened"))


def test_submission_keys_depend_on_conversation_and_form():
    key = references.submission_key("sender", "form")
    assert key == references.submission_key("sender", "form")
    assert key != references.submission_key("sender", "form2")
    assert key != references.submission_key("other", "form")
    assert len(key) == 64


async def test_creation_is_audited_without_personal_data(session):
    complaint, _ = await make(session)
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "complaints.create"))
    assert entry.subject == complaint.reference
    assert entry.actor.startswith("conversation:") and "sender-1" not in entry.actor
    text = repr(entry.details)
    for personal in ("Sam", "sam@example.com", "07700900123", "wrist", "St Albans"):
        assert personal not in text
