"""Retention: conversations, complaints' personal data, lost reports, audit entries and idle forms, by period."""

import asyncio
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from bot.db.models import (
    AuditEntry,
    CaseVerificationAttempt,
    Complaint,
    ComplaintLookupAttempt,
    ComplaintNote,
    ComplaintStatusChange,
    ForgottenConversation,
    FoundItem,
    LookupAlert,
    LostReport,
)
from bot.services import audit, retention
from bot.services.complaints import tickets
from bot.services.complaints.details import ComplaintDetails
from bot.services.lost_property.reports import create_report
from bot.services.lost_property.search import LostQuery
from bot.settings import Settings
from tests.rasa_events import create_conversations, stored

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
POLICY = retention.Retention.of(Settings())
DETAILS = ComplaintDetails(
    complainant_role="affected", name="Zebedee Quux", narrative="PC Smith pushed me at the station",
    email="zebedee@example.org", phone="07700900123", people_involved="PC Smith",
)  # fmt: skip


def test_the_policy_comes_from_the_settings():
    settings = replace(Settings(), retain_conversations_days=7, form_idle_minutes=15)
    policy = retention.Retention.of(settings)
    assert (policy.conversations, policy.form_idle) == (timedelta(days=7), timedelta(minutes=15))
    assert (POLICY.complaints, POLICY.lost_reports, POLICY.lost_margin, POLICY.audit, POLICY.alerts) == (
        2190 * DAY, 120 * DAY, 30 * DAY, 730 * DAY, 30 * DAY,
    )


async def _complaint(session, key, sender, *, closed_at=None, now=NOW - 4000 * DAY):
    complaint, _ = await tickets.create(session, DETAILS, sender_id=sender, key=key, now=now)
    complaint.notes.append(ComplaintNote(text="rang Zebedee back", at=now))
    if closed_at is not None:
        complaint.status = "closed"
        complaint.history.append(ComplaintStatusChange(from_status="new", to_status="closed", at=closed_at))
    await session.flush()
    return complaint


def _said(text):
    return [{"event": "user", "text": text}]


async def test_conversations_go_after_their_period_but_a_kept_complaints_stays(session):
    old, recent = (NOW - 31 * DAY).timestamp(), (NOW - 29 * DAY).timestamp()
    await create_conversations(session, {
        "old": (old, _said("old")), "recent": (recent, _said("recent")), "open-complaint": (old, _said("mine")),
        "closed-long-ago": (old, _said("done")),
    })  # fmt: skip
    await _complaint(session, "k1", "open-complaint")
    await _complaint(session, "k2", "closed-long-ago", closed_at=NOW - 2191 * DAY)
    purged = await retention.purge(session, POLICY, now=NOW)
    assert (purged.conversations, purged.complaints_anonymised) == (1, 1)
    assert await stored(session, "old") == [] and await stored(session, "closed-long-ago") == []
    assert await stored(session, "recent") == _said("recent")
    assert await stored(session, "open-complaint") == _said("mine")
    senders = set((await session.execute(text("SELECT sender_id FROM tracker_senders"))).scalars())
    assert senders == {"recent", "open-complaint"}


async def test_a_conversation_that_gets_a_turn_while_the_purge_runs_is_kept_whole(session, monkeypatch):
    old = (NOW - 31 * DAY).timestamp()
    await create_conversations(session, {"back": (old, _said("first visit")), "gone": (old, _said("bye"))})
    found = retention.tracker_events.idle_conversations

    async def then_the_resident_comes_back(*args, **kwargs):
        idle = await found(*args, **kwargs)
        # Stored by Rasa after the purge found the conversation idle, before it deleted it: a form's question
        # answered, as the tracker store saves it (the event, then its row: a new version, form values held).
        await session.execute(
            text("INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES (99, 'back', 'user', :t, :d)"),
            {"t": NOW.timestamp(), "d": '{"event": "user", "text": "i am back"}'},
        )
        await session.execute(
            text("UPDATE tracker_senders SET version = version + 1, form_values = :held, updated_at = :t"
                 " WHERE sender_id = 'back'"),
            {"t": NOW.timestamp(), "held": True},
        )
        return idle

    monkeypatch.setattr(retention.tracker_events, "idle_conversations", then_the_resident_comes_back)
    purged = await retention.purge(session, POLICY, now=NOW)
    assert purged.conversations == 1
    assert await stored(session, "gone") == []
    assert await stored(session, "back") == [*_said("first visit"), *_said("i am back")]
    # What the tracker store knew of "gone" is gone; "back" keeps its row as its save left it (the events it
    # stands for are untouched), so the sweep still removes the form's values if the resident leaves now.
    rows = (await session.execute(text("SELECT sender_id, version FROM tracker_senders"))).all()
    assert [tuple(row) for row in rows] == [("back", 2)]
    assert await retention.forms_to_sweep(session, POLICY, now=NOW + POLICY.form_idle + timedelta(minutes=1)) == [
        "back"
    ]


async def test_a_turn_being_saved_while_the_purge_runs_keeps_its_conversation_and_no_stale_copy(sessions):
    old = (NOW - 31 * DAY).timestamp()
    async with sessions() as setup, setup.begin():
        await create_conversations(setup, {"back": (old, _said("first visit"))})
    async with sessions() as rasa:
        await rasa.begin()
        # A save as the tracker store makes it: the new event, then its row in tracker_senders (locked till commit).
        await rasa.execute(
            text("INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES (99, 'back', 'user', :t, :d)"),
            {"t": NOW.timestamp(), "d": '{"event": "user", "text": "i am back"}'},
        )
        await rasa.execute(text("UPDATE tracker_senders SET version = version + 1 WHERE sender_id = 'back'"))

        async def purge() -> retention.Purged:
            async with sessions() as session, session.begin():
                return await retention.purge(session, POLICY, now=NOW)

        purging = asyncio.create_task(purge())
        await asyncio.sleep(0.5)  # the purge waits for the save's lock (PostgreSQL: the row; SQLite: the file)
        await rasa.commit()
        purged = await asyncio.wait_for(purging, 30)
    assert purged.conversations == 0
    async with sessions() as session:
        assert await stored(session, "back") == [*_said("first visit"), *_said("i am back")]
        # Its row is the save's (version 2, what the saving store cached): nothing it stands for was deleted.
        rows = (await session.execute(text("SELECT sender_id, version FROM tracker_senders"))).all()
        assert [tuple(row) for row in rows] == [("back", 2)]


async def test_a_complaint_loses_its_personal_data_its_period_after_closing(session):
    closed = await _complaint(session, "k1", "s1", closed_at=NOW - 2191 * DAY)
    recently = await _complaint(session, "k2", "s2", closed_at=NOW - 2189 * DAY)
    still_open = await _complaint(session, "k3", "s3")
    assert (await retention.purge(session, POLICY, now=NOW)).complaints_anonymised == 1
    for complaint in (closed, recently, still_open):
        await session.refresh(complaint)
    assert (closed.name, closed.email, closed.phone, closed.narrative, closed.people_involved) == (
        retention.ANONYMISED, "", "", "", "",
    )
    assert closed.category_triggers == [] and closed.reference.startswith("CRT-")  # the anonymous ticket stays
    notes = (await session.scalars(select(ComplaintNote.complaint_id))).all()
    assert closed.id not in notes and recently.id in notes
    assert recently.name == still_open.name == "Zebedee Quux"
    everything = " ".join(str(row) for row in (await session.execute(select(Complaint.__table__))).all())
    assert everything.lower().count("zebedee") == 2 * 2  # name and e-mail of the two kept complaints only
    assert (await retention.purge(session, POLICY, now=NOW)).complaints_anonymised == 0


async def test_a_conversation_behind_two_complaints_stays_until_both_lose_their_personal_data(session):
    old = (NOW - 3000 * DAY).timestamp()
    await create_conversations(session, {"both": (old, _said("two complaints"))})
    first = await _complaint(session, "k1", "both", closed_at=NOW - 2191 * DAY)
    second = await _complaint(session, "k2", "both", now=NOW - 3000 * DAY)  # made in it too, still open
    assert (await retention.purge(session, POLICY, now=NOW)).complaints_anonymised == 1
    await session.refresh(first)
    assert first.name == retention.ANONYMISED and await stored(session, "both") == _said("two complaints")
    second.status = "closed"
    second.history.append(ComplaintStatusChange(from_status="new", to_status="closed", at=NOW - 2191 * DAY))
    await session.flush()
    assert (await retention.purge(session, POLICY, now=NOW)).complaints_anonymised == 1
    assert await stored(session, "both") == []


async def _report(session, reference_date, *, item_disposed=None):
    report = await create_report(
        session, LostQuery("phones", "iphone", "black", "Watford", reference_date.date()),
        contact_name="Zebedee Quux", contact="zebedee@example.org", actor="conversation:test",
    )  # fmt: skip
    report.created_at = reference_date
    if item_disposed is not None:
        item = FoundItem(reference=f"F{report.id}", category="phones", description="phone", found_on=date(2026, 1, 1),
                         found_at="Watford", held_at="Watford", dispose_after=item_disposed)  # fmt: skip
        session.add(item)
        await session.flush()
        report.matched_item_id, report.status = item.id, "matched"
    await session.flush()
    return report.reference


async def test_lost_reports_go_after_disposal_plus_the_margin_or_their_period(session):
    gone = [
        await _report(session, NOW - 121 * DAY),
        await _report(session, NOW - 200 * DAY, item_disposed=(NOW - 31 * DAY).date()),
    ]
    kept = [
        await _report(session, NOW - 119 * DAY),
        await _report(session, NOW - 200 * DAY, item_disposed=(NOW - 29 * DAY).date()),
    ]
    assert (await retention.purge(session, POLICY, now=NOW)).lost_reports == 2
    left = set((await session.scalars(select(LostReport.reference))).all())
    assert left == set(kept) and not left & set(gone)


async def test_audit_entries_go_after_their_period(session):
    for age in (731, 729):
        entry = await audit.record(session, actor="cli", action=f"test.{age}")
        entry.at = NOW - age * DAY
    await session.flush()
    assert (await retention.purge(session, POLICY, now=NOW)).audit_entries == 1
    assert (await session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("test.%")))).all() == [
        "test.729"
    ]


async def _alert(session, reference, *, last_failure, closed=None):
    alert = LookupAlert(kind="cases", reference=reference, reference_key=audit.pseudonym(reference, purpose="case-ref"),
                        raised_at=last_failure - DAY, last_failure_at=last_failure, failures=3, sources=3,
                        closed_at=closed)  # fmt: skip
    session.add(alert)
    await session.flush()


async def test_status_check_alerts_go_their_period_after_being_dealt_with_or_last_failing(session):
    await _alert(session, "41/00001/24", last_failure=NOW - 400 * DAY, closed=NOW - 400 * DAY)
    await _alert(session, "41/00002/24", last_failure=NOW - 31 * DAY)  # open, nobody dealt with it: still bounded
    await _alert(session, "41/00003/24", last_failure=NOW - 60 * DAY, closed=NOW - 31 * DAY)
    await _alert(session, "41/12345/24", last_failure=NOW - 400 * DAY, closed=NOW - 29 * DAY)  # dealt with lately
    await _alert(session, "CRT-2026-00009", last_failure=NOW - 29 * DAY)  # open, failed within the period
    purged = await retention.purge(session, POLICY, now=NOW)
    left = sorted((await session.scalars(select(LookupAlert.reference))).all())
    assert left == ["41/12345/24", "CRT-2026-00009"], f"alerts left: {left}"
    assert purged.status_check_alerts == 3


@pytest.mark.parametrize("model", [CaseVerificationAttempt, ComplaintLookupAttempt])
async def test_status_check_attempts_go_after_a_day_without_another_check(session, model):
    for age, key in ((400 * DAY, "old"), (DAY + timedelta(minutes=1), "day-old"), (timedelta(hours=23), "fresh")):
        session.add(model(at=NOW - age, reference_key=key, conversation_key="c", client_key="a", succeeded=False))
    await session.flush()
    purged = await retention.purge(session, POLICY, now=NOW)
    left = (await session.scalars(select(model.reference_key))).all()
    assert left == ["fresh"], f"attempts left: {len(left)}"
    assert purged.status_check_attempts == 2


def _form(surname):
    return [{"event": "active_loop", "name": "case_status_form"}, {"event": "user", "text": "[surname]"},
            {"event": "slot", "name": "case_surname", "value": surname}, {"event": "slot", "name": "other", "value": 1}]


@pytest.mark.parametrize(("idle_minutes", "swept"), [(61, True), (59, False)])
async def test_a_form_left_idle_loses_its_values(sessions, idle_minutes, swept):
    updated = (NOW - timedelta(minutes=idle_minutes)).timestamp()
    async with sessions() as session, session.begin():
        await create_conversations(session, {"left": (updated, _form("Quux")), "done": (updated, _form(None))})
    async with sessions() as session, session.begin():
        assert await retention.forms_to_sweep(session, POLICY, now=NOW) == (["left"] if swept else [])
    async with sessions() as session, session.begin():  # one conversation per transaction, under its lock
        assert await retention.sweep_form(session, "left", POLICY, now=NOW) == (1 if swept else 0)
    async with sessions() as session:
        values = [e.get("value") for e in await stored(session, "left") if e["event"] == "slot"]
        assert values == ([None, 1] if swept else ["Quux", 1])
        query = text("SELECT version, form_values FROM tracker_senders WHERE sender_id = 'left'")
        row = (await session.execute(query)).one()
        assert (row.version, bool(row.form_values)) == ((2, False) if swept else (1, True))
        assert await retention.forms_to_sweep(session, POLICY, now=NOW) == []


SUMMER = datetime(2026, 7, 20, 10, 0, tzinfo=timezone.utc)  # British Summer Time: London is UTC+1


@pytest.mark.parametrize("now", [SUMMER, SUMMER.astimezone(ZoneInfo("Europe/London"))], ids=["utc", "london"])
async def test_a_row_exactly_at_its_cutoff_stays_and_one_a_second_older_goes_whatever_the_zone_of_now(session, now):
    second = timedelta(seconds=1)
    at, past = {}, {}
    for name, period in (("audit", POLICY.audit), ("forgotten", POLICY.conversations), ("alerts", POLICY.alerts),
                         ("complaints", POLICY.complaints), ("lost", POLICY.lost_reports)):  # fmt: skip
        at[name], past[name] = SUMMER - period, SUMMER - period - second
    for label, when in (("at", at), ("past", past)):
        (await audit.record(session, actor="cli", action=f"test.{label}")).at = when["audit"]
        session.add(ForgottenConversation(sender_hash=label, forgotten_at=when["forgotten"]))
        await _alert(session, f"41/0000{len(label)}/24", last_failure=when["alerts"])
        await _complaint(session, f"k-{label}", f"s-{label}", closed_at=when["complaints"])
        await _report(session, when["lost"])
    await create_conversations(session, {"at": ((SUMMER - POLICY.conversations).timestamp(), _said("kept")),
                                         "past": ((SUMMER - POLICY.conversations - second).timestamp(), _said("x"))})
    purged = await retention.purge(session, POLICY, now=now)
    assert purged == retention.Purged(conversations=1, complaints_anonymised=1, lost_reports=1, audit_entries=1,
                                      forgotten_records=1, status_check_alerts=1)  # fmt: skip
    assert (await session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("test.%")))).all() == [
        "test.at"
    ]
    assert (await session.scalars(select(ForgottenConversation.sender_hash))).all() == ["at"]
    assert await stored(session, "at") == _said("kept") and await stored(session, "past") == []
