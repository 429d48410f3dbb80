"""Complaints service: one ticket per form, references, triage stored with reasons, the team's changes, audit."""

import asyncio
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, Complaint
from bot.services import complaints, staff
from bot.services.complaints import ComplaintDetails, ComplaintError

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
    return await complaints.create(session, details, sender_id=sender, key=key, now=now)


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
        *(complaints.submit(sessions, DETAILS, sender_id="s", key="race") for _ in range(4))
    )
    assert len({complaint.id for complaint, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    async with unit_of_work(sessions) as session:
        assert await session.scalar(select(func.count()).select_from(Complaint)) == 1


async def test_concurrent_different_forms_get_distinct_references(sessions):
    results = await asyncio.gather(
        *(complaints.submit(sessions, SERVICE, sender_id="s", key=f"form-{n}") for n in range(5))
    )
    assert sorted(complaint.reference for complaint, _ in results) == [f"CRT-{NOW.year}-0000{n}" for n in range(1, 6)]


async def test_incomplete_details_are_refused(session):
    with pytest.raises(ComplaintError):
        await make(session, ComplaintDetails(complainant_role="affected", name="", narrative="something happened"))


def test_submission_keys_depend_on_conversation_and_form():
    key = complaints.submission_key("sender", "form")
    assert key == complaints.submission_key("sender", "form")
    assert key != complaints.submission_key("sender", "form2")
    assert key != complaints.submission_key("other", "form")
    assert len(key) == 64


async def test_creation_is_audited_without_personal_data(session):
    complaint, _ = await make(session)
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "complaints.create"))
    assert entry.subject == complaint.reference
    assert entry.actor.startswith("conversation:") and "sender-1" not in entry.actor
    text = repr(entry.details)
    for personal in ("Sam", "sam@example.com", "07700900123", "wrist", "St Albans"):
        assert personal not in text


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        (" Sam@Example.COM ", "sam@example.com"),
        ("my email is sam.t+complaints@mail.example.org", "sam.t+complaints@mail.example.org"),
    ],
)
def test_emails_are_normalised(typed, email):
    assert complaints.normalise_email(typed) == email


@pytest.mark.parametrize("typed", ["sam@", "sam at example dot com", "<script>@x.com", "a@b"])
def test_bad_emails_are_refused(typed):
    with pytest.raises(ComplaintError):
        complaints.normalise_email(typed)


@pytest.mark.parametrize(
    ("typed", "phone"),
    [("07700 900123", "07700900123"), ("+44 (0)7700-900-123", "07700900123"), ("01707 806100", "01707806100"),
     ("my number is 0044 1707 806100", "01707806100")],
)
def test_phones_are_normalised(typed, phone):
    assert complaints.normalise_phone(typed) == phone


@pytest.mark.parametrize("typed", ["12345", "call me", "+1 202 555 0100", "077009001234567"])
def test_bad_phones_are_refused(typed):
    with pytest.raises(ComplaintError):
        complaints.normalise_phone(typed)


# --- the team's work -------------------------------------------------------------------------------------------


@pytest.fixture
async def officer(session):
    return await staff.add(session, "officer@herts.example", "officer", "a long enough password")


async def test_status_changes_follow_the_rules_and_keep_history(session, officer):
    complaint, _ = await make(session, SERVICE)
    await complaints.change_status(session, complaint, "acknowledged", actor="staff:1", staff_id=officer.id)
    await complaints.change_status(session, complaint, "service_recovery", actor="staff:1", staff_id=officer.id)
    with pytest.raises(ComplaintError) as error:
        await complaints.change_status(session, complaint, "new", actor="staff:1", staff_id=officer.id)
    assert error.value.reason == "transition"
    complaint = await complaints.get(session, complaint.reference)
    assert [(c.from_status, c.to_status) for c in complaint.history] == [
        (None, "new"),
        ("new", "acknowledged"),
        ("acknowledged", "service_recovery"),
    ]
    assert complaint.history[-1].changed_by.email == "officer@herts.example"
    audited = await session.scalars(select(AuditEntry.details).where(AuditEntry.action == "complaints.status"))
    assert list(audited) == [{"from": "new", "to": "acknowledged"}, {"from": "acknowledged", "to": "service_recovery"}]


async def test_a_complaint_that_must_be_recorded_cannot_go_to_service_recovery(session, officer):
    complaint, _ = await make(session)
    assert "service_recovery" not in complaints.allowed_statuses(complaint)
    with pytest.raises(ComplaintError) as error:
        await complaints.change_status(session, complaint, "service_recovery", actor="staff:1", staff_id=officer.id)
    assert error.value.reason == "must_record"


async def test_notes_and_assignment(session, officer):
    complaint, _ = await make(session)
    await complaints.add_note(session, complaint, "Called Sam, left a message.", actor="staff:1", staff_id=officer.id)
    await complaints.assign(session, complaint, officer.id, actor="staff:1")
    with pytest.raises(ComplaintError):
        await complaints.add_note(session, complaint, "   ", actor="staff:1", staff_id=officer.id)
    with pytest.raises(ComplaintError):
        await complaints.assign(session, complaint, 9999, actor="staff:1")
    complaint = await complaints.get(session, complaint.reference.lower())
    assert [note.text for note in complaint.notes] == ["Called Sam, left a message."]
    assert complaint.assigned_to.email == "officer@herts.example"
    note_audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "complaints.note"))
    assert "Called Sam" not in repr(note_audit.details)
