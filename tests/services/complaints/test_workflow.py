"""The team's work on a ticket: status changes by the rules, notes and assignment, all audited."""

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry
from bot.services.complaints import tickets, workflow
from bot.services.complaints.details import ComplaintError
from bot.services.staff import accounts
from tests.services.complaints.test_tickets import SERVICE, make

# --- the team's work -------------------------------------------------------------------------------------------


@pytest.fixture
async def officer(session):
    return await accounts.add(session, "officer@herts.example", "officer", "a long enough password")


async def test_status_changes_follow_the_rules_and_keep_history(session, officer):
    complaint, _ = await make(session, SERVICE)
    await workflow.change_status(session, complaint, "acknowledged", actor="staff:1", staff_id=officer.id)
    await workflow.change_status(session, complaint, "service_recovery", actor="staff:1", staff_id=officer.id)
    with pytest.raises(ComplaintError) as error:
        await workflow.change_status(session, complaint, "new", actor="staff:1", staff_id=officer.id)
    assert error.value.reason == "transition"
    complaint = await tickets.get(session, complaint.reference)
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
    assert "service_recovery" not in workflow.allowed_statuses(complaint)
    with pytest.raises(ComplaintError) as error:
        await workflow.change_status(session, complaint, "service_recovery", actor="staff:1", staff_id=officer.id)
    assert error.value.reason == "must_record"


async def test_notes_and_assignment(session, officer):
    complaint, _ = await make(session)
    await workflow.add_note(session, complaint, "Called Sam, left a message.", actor="staff:1", staff_id=officer.id)
    await workflow.assign(session, complaint, officer.id, actor="staff:1")
    with pytest.raises(ComplaintError):
        await workflow.add_note(session, complaint, "   ", actor="staff:1", staff_id=officer.id)
    with pytest.raises(ComplaintError):
        await workflow.assign(session, complaint, 9999, actor="staff:1")
    complaint = await tickets.get(session, complaint.reference.lower())
    assert [note.text for note in complaint.notes] == ["Called Sam, left a message."]
    assert complaint.assigned_to.email == "officer@herts.example"
    note_audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "complaints.note"))
    assert "Called Sam" not in repr(note_audit.details)
