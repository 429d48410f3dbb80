"""Subject access and erasure: one person's tickets, reports, conversations and audit entries, by e-mail or phone."""

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, Complaint, ComplaintStatusChange, LostReport
from bot.services import audit, lookup_alerts
from bot.services.attempt_limits import Pressure
from bot.services.complaints import tickets
from bot.services.complaints.details import ComplaintDetails
from bot.services.lost_property.reports import create_report
from bot.services.lost_property.search import LostQuery
from bot.services.subject_access import Subject, erase, export
from tests.rasa_events import create_conversations, stored

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
ZEB = ComplaintDetails(complainant_role="affected", name="Zebedee Quux", narrative="PC Smith pushed me",
                       email="zebedee@example.org", phone="07700900123")  # fmt: skip
OTHER = ComplaintDetails(complainant_role="witness", name="Someone Else", narrative="a car crash",
                         email="else@example.org")  # fmt: skip


@pytest.fixture
async def held(session):
    await create_conversations(session, {"zeb-chat": (1.0, [{"event": "user", "text": "I want to complain"},
                                                             {"event": "bot", "text": "What's your name?"}])})
    closed, _ = await tickets.create(session, ZEB, sender_id="zeb-chat", key="k1", now=NOW - timedelta(days=9))
    closed.status = "closed"
    closed.history.append(ComplaintStatusChange(from_status="new", to_status="closed", at=NOW))
    still_open, _ = await tickets.create(session, ZEB, sender_id="zeb-chat-2", key="k2", now=NOW)
    await tickets.create(session, OTHER, sender_id="else-chat", key="k3", now=NOW)
    report = await create_report(session, LostQuery("phones", "iphone", "", "Watford", NOW.date()),
                                 contact_name="Zebedee Quux", contact="07700900123", actor="test")  # fmt: skip
    await audit.record(session, actor="staff:1", action="lost_property.viewed", subject=report.reference)
    await session.flush()
    return {"closed": closed.reference, "open": still_open.reference, "report": report.reference}


@pytest.mark.parametrize(("typed", "kind", "value"), [
    ("Zebedee@Example.org ", "email", "zebedee@example.org"), ("+44 7700 900123", "phone", "07700900123"),
])
def test_a_subject_is_an_email_or_a_phone_number_as_stored(typed, kind, value):
    assert Subject.parse(typed) == Subject(kind, value)
    assert Subject.parse(typed).label.startswith(f"subject-{kind}:") and value not in Subject.parse(typed).label


@pytest.mark.parametrize("typed", ["", "Zebedee", "12345"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError, match="e-mail address or a UK phone number"):
        Subject.parse(typed)


async def test_the_export_holds_everything_about_them_and_is_audited(session, held):
    document = await export(session, Subject.parse("zebedee@example.org"), actor="staff:7", now=NOW)
    json.dumps(document)  # one JSON document
    assert [c["reference"] for c in document["complaints"]] == [held["closed"], held["open"]]
    assert document["complaints"][0]["name"] == "Zebedee Quux" and document["complaints"][0]["history"]
    assert document["conversations"][0]["transcript"][0]["text"] == "I want to complain"
    assert document["lost_reports"] == []  # left with the phone number, not the e-mail address
    assert {e["action"] for e in document["audit_log"]} >= {"complaints.create"}
    by_phone = await export(session, Subject.parse("07700 900123"), actor="staff:7", now=NOW)
    assert [r["reference"] for r in by_phone["lost_reports"]] == [held["report"]]
    assert "lost_property.viewed" in {e["action"] for e in by_phone["audit_log"]}
    logged = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "subject.exported"))).all()
    labels = [Subject.parse("zebedee@example.org").label, Subject.parse("07700900123").label]
    assert [e.subject for e in logged] == labels
    assert "zebedee" not in json.dumps([e.details for e in logged]).lower()


async def test_the_export_holds_the_alerts_about_their_complaints_references(session, held):
    alerted = (("complaints", held["open"], "complaint-ref"), ("cases", "41/12345/24", "case-ref"),
               ("complaints", "CRT-2026-09999", "complaint-ref"))  # fmt: skip
    for kind, reference, purpose in alerted:
        await lookup_alerts.note_failures(
            session, kind=kind, reference=reference, reference_key=audit.pseudonym(reference, purpose=purpose),
            pressure=Pressure(4, 3), now=NOW,
        )  # fmt: skip
    document = await export(session, Subject.parse("zebedee@example.org"), actor="staff:7", now=NOW)
    [alert] = document["status_check_alerts"]  # SQLite gives back times without their zone: compare the rest
    assert (alert["reference"], alert["failures"], alert["sources"]) == (held["open"], 4, 3)
    assert alert["dealt_with_at"] is None
    assert alert["raised_at"].startswith(NOW.replace(tzinfo=None).isoformat())
    assert (await export(session, Subject.parse("else@example.org"), actor="staff:7", now=NOW))[
        "status_check_alerts"
    ] == []


async def test_erasure_removes_closed_complaints_and_reports_and_keeps_an_open_complaint(session, held):
    erasure = await erase(session, Subject.parse("07700900123"), actor="cli", complaint_retention_days=2190)
    assert erasure.removed == [f"complaint {held['closed']}: personal data and conversation removed",
                               f"lost report {held['report']}: deleted"]  # fmt: skip
    assert len(erasure.kept) == 1 and held["open"] in erasure.kept[0] and "Police Reform Act 2002" in erasure.kept[0]
    names = dict((await session.execute(select(Complaint.reference, Complaint.name))).all())
    assert names[held["closed"]] == "[removed]" and names[held["open"]] == "Zebedee Quux"
    assert (await session.scalars(select(LostReport))).all() == []
    entry = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "subject.erased"))).one()
    assert entry.details == {"removed": 2, "kept": 1} and entry.subject == Subject.parse("07700900123").label


async def test_erasing_a_closed_complaint_keeps_the_conversation_of_another_still_held(session, held):
    # A second complaint made later in the same conversation, still being handled: its transcript must stay.
    later, _ = await tickets.create(session, OTHER, sender_id="zeb-chat", key="k4", now=NOW)
    erasure = await erase(session, Subject.parse("zebedee@example.org"), actor="cli", complaint_retention_days=2190)
    assert f"complaint {held['closed']}: personal data removed" in erasure.removed
    assert any(held["closed"] in line and later.reference in line for line in erasure.kept), erasure.kept
    assert [e["text"] for e in await stored(session, "zeb-chat")] == ["I want to complain", "What's your name?"]
    names = dict((await session.execute(select(Complaint.reference, Complaint.name))).all())
    assert names[held["closed"]] == "[removed]"


async def test_erasing_every_complaint_of_a_conversation_removes_it(session, held):
    second, _ = await tickets.create(session, ZEB, sender_id="zeb-chat", key="k4", now=NOW)
    second.status = "closed"
    await session.flush()
    erasure = await erase(session, Subject.parse("zebedee@example.org"), actor="cli", complaint_retention_days=2190)
    removed = "personal data and conversation removed"
    assert [line for line in erasure.removed if line.startswith("complaint")] == [
        f"complaint {held['closed']}: {removed}", f"complaint {second.reference}: {removed}",
    ]  # fmt: skip
    assert await stored(session, "zeb-chat") == []


async def test_the_export_finds_them_however_typed_and_nobody_with_a_similar_address(session, held):
    await tickets.create(session, replace(ZEB, name="Ed Bee", email="bedee@example.org", phone=""), sender_id="x1",
                         key="k5", now=NOW)  # fmt: skip
    await tickets.create(session, replace(ZEB, name="Zeb Two", email="zebedee@example.org.uk", phone="07700900124"),
                         sender_id="x2", key="k6", now=NOW)  # fmt: skip
    document = await export(session, Subject.parse(" ZEBEDEE@Example.ORG "), actor="staff:7", now=NOW)
    assert [c["reference"] for c in document["complaints"]] == [held["closed"], held["open"]]
    assert {c["name"] for c in document["complaints"]} == {"Zebedee Quux"}
    by_phone = await export(session, Subject.parse("07700900123"), actor="staff:7", now=NOW)
    assert {c["name"] for c in by_phone["complaints"]} == {"Zebedee Quux"}
    assert "Ed Bee" not in json.dumps(document) and "Zeb Two" not in json.dumps(by_phone)


async def test_the_export_holds_the_whole_conversation_however_long(session):
    said = [{"event": "user" if n % 2 == 0 else "bot", "text": f"message {n}"} for n in range(1203)]
    await create_conversations(session, {"long-chat": (1.0, said)})
    await tickets.create(session, ZEB, sender_id="long-chat", key="k1", now=NOW)
    [conversation] = (await export(session, Subject.parse("zebedee@example.org"), actor="cli", now=NOW))[
        "conversations"
    ]
    assert [line["text"] for line in conversation["transcript"]] == [event["text"] for event in said]
