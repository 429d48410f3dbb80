"""The team's work on a ticket: status changes by the rules, notes and assignment, all audited."""

import asyncio

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
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


# --- two people working one ticket at once -------------------------------------------------------------------------
# Each test reads the ticket in two sessions (two connections), then writes in both: the second write was checked
# against what it read, which is no longer so, and must be refused rather than applied on top.


async def _committed_ticket(sessions, status=None):
    async with unit_of_work(sessions) as session:
        first = await accounts.add(session, "first@herts.example", "officer", "a long enough password")
        second = await accounts.add(session, "second@herts.example", "officer", "a long enough password")
        complaint, _ = await make(session, SERVICE)
        if status:
            await workflow.change_status(session, complaint, status, actor="staff:0", staff_id=None)
        return complaint.reference, first.id, second.id


async def _audited(sessions, action):
    async with unit_of_work(sessions) as session:
        return list(await session.scalars(select(AuditEntry.details).where(AuditEntry.action == action)))


def _take(staff_id):
    return workflow.TicketChanges(assignee=str(staff_id))


async def test_two_officers_taking_one_ticket_at_once_only_the_first_gets_it(sessions):
    reference, first, second = await _committed_ticket(sessions)
    async with sessions() as one, sessions() as two:
        mine, theirs = await tickets.get(one, reference), await tickets.get(two, reference)
        await workflow.apply_changes(one, mine, _take(first), actor="staff:1", staff_id=first, supervisor=False)
        await one.commit()
        # Unassigned when `two` read it, so an officer could take it; it is no longer, and it is not theirs.
        with pytest.raises(ComplaintError) as error:
            await workflow.apply_changes(two, theirs, _take(second), actor="staff:2", staff_id=second, supervisor=False)
        assert (error.value.field, error.value.reason) == ("ticket", "changed")
        await two.commit()  # whatever the refused request could still commit: nothing of the refused change
    async with unit_of_work(sessions) as session:
        assert (await tickets.get(session, reference)).assigned_to_id == first
    assert await _audited(sessions, "complaints.assign") == [{"from": None, "to": first}]


async def test_two_status_changes_from_one_status_at_once_only_the_first_is_made(sessions):
    reference, first, second = await _committed_ticket(sessions, status="in_progress")
    async with sessions() as one, sessions() as two:
        mine, theirs = await tickets.get(one, reference), await tickets.get(two, reference)
        await workflow.change_status(one, mine, "recorded", actor="staff:1", staff_id=first)
        await one.commit()
        # in_progress -> closed was allowed when `two` read it; from "recorded" the rules were never checked.
        with pytest.raises(ComplaintError) as error:
            await workflow.change_status(two, theirs, "closed", actor="staff:2", staff_id=second)
        assert error.value.reason == "changed"
        await two.commit()
    async with unit_of_work(sessions) as session:
        complaint = await tickets.get(session, reference)
    assert complaint.status == "recorded"
    assert [(c.from_status, c.to_status) for c in complaint.history] == [
        (None, "new"), ("new", "in_progress"), ("in_progress", "recorded")
    ]
    statuses = await _audited(sessions, "complaints.status")
    assert statuses == [{"from": "new", "to": "in_progress"}, {"from": "in_progress", "to": "recorded"}]


async def test_a_change_waiting_for_a_colleagues_uncommitted_one_is_refused_once_it_commits(sessions):
    """The second UPDATE waits for the first's lock (PostgreSQL's row lock, SQLite's write lock), then re-checks."""
    reference, first, second = await _committed_ticket(sessions)
    async with sessions() as one, sessions() as two:
        mine, theirs = await tickets.get(one, reference), await tickets.get(two, reference)
        await workflow.assign(one, mine, first, actor="staff:1")  # written, locked, not yet committed
        waiting = asyncio.create_task(workflow.assign(two, theirs, second, actor="staff:2"))
        await asyncio.sleep(0.2)  # let it reach the lock (if it has not, it runs after the commit: the same answer)
        assert not waiting.done()
        await one.commit()
        with pytest.raises(ComplaintError) as error:
            await waiting
        assert error.value.reason == "changed"
        await two.rollback()
    async with unit_of_work(sessions) as session:
        assert (await tickets.get(session, reference)).assigned_to_id == first
    assert await _audited(sessions, "complaints.assign") == [{"from": None, "to": first}]


async def test_a_change_from_a_stale_view_is_refused(session, officer):
    complaint, _ = await make(session, SERVICE)
    await workflow.change_status(session, complaint, "closed", actor="staff:9", staff_id=None)
    stale = workflow.TicketChanges(status="in_progress", expected_status="new")
    with pytest.raises(workflow.TicketChanged):
        await workflow.apply_changes(session, complaint, stale, actor="staff:1", staff_id=officer.id, supervisor=False)
    taken = workflow.TicketChanges(assignee=str(officer.id), expected_assignee="none")
    await workflow.assign(session, complaint, officer.id, actor="staff:9")
    with pytest.raises(workflow.TicketChanged):
        await workflow.apply_changes(session, complaint, taken, actor="staff:1", staff_id=officer.id, supervisor=False)
    shown = workflow.TicketChanges(status="in_progress", expected_status="closed", expected_assignee=str(officer.id))
    await workflow.apply_changes(session, complaint, shown, actor="staff:1", staff_id=officer.id, supervisor=False)
    complaint = await tickets.get(session, complaint.reference)
    assert complaint.status == "in_progress"
    assert [c.to_status for c in complaint.history] == ["new", "closed", "in_progress"]


async def test_an_expected_assignee_is_a_staff_id_however_written_and_nothing_else(session, officer):
    complaint, _ = await make(session, SERVICE)
    await workflow.assign(session, complaint, officer.id, actor="staff:9")
    written = workflow.TicketChanges(status="in_progress", expected_assignee=f"00{officer.id}")
    await workflow.apply_changes(session, complaint, written, actor="staff:1", staff_id=officer.id, supervisor=False)
    assert complaint.status == "in_progress"
    for raw in (f" {officer.id}", "7.0", "-1", "99999999999"):
        bad = workflow.TicketChanges(note="rang back", expected_assignee=raw)
        with pytest.raises(ComplaintError) as error:
            await workflow.apply_changes(session, complaint, bad, actor="staff:1", staff_id=officer.id, supervisor=True)
        assert (error.value.field, error.value.reason) == ("body", "invalid"), raw


async def test_a_note_sent_for_a_ticket_a_colleague_has_since_changed_is_refused(sessions):
    reference, first, second = await _committed_ticket(sessions)
    async with sessions() as one, sessions() as two:
        mine, theirs = await tickets.get(one, reference), await tickets.get(two, reference)
        await workflow.change_status(one, mine, "in_progress", actor="staff:1", staff_id=first)
        await one.commit()
        # `two` read it as new and says so: its note was written about that ticket, not about this one.
        note = workflow.TicketChanges(note="closing this as no further action", expected_status="new")
        with pytest.raises(workflow.TicketChanged):
            await workflow.apply_changes(two, theirs, note, actor="staff:2", staff_id=second, supervisor=False)
        await two.rollback()
    async with unit_of_work(sessions) as session:
        assert (await tickets.get(session, reference)).notes == []
