"""Lost-item reports: storing, suggested matches for staff, status changes and an audit trail without contacts."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, FoundItem
from bot.services.lost_property import reports
from bot.services.lost_property.items import LostPropertyError
from bot.services.lost_property.search import LostQuery

TODAY = date(2026, 11, 21)  # a Saturday
QUERY = LostQuery("wallets_purses", "brown leather purse", "Radley", "St Albans city centre", TODAY - timedelta(3))


async def _report(session, query=QUERY):
    return await reports.create_report(
        session, query, contact_name="Jo Bloggs", contact="jo@example.org", actor="conversation:abc"
    )


def _found(reference, **overrides):
    fields = {"category": "wallets_purses", "description": "Brown purse with a zip", "colour": "Brown",
              "brand": "Radley", "found_on": TODAY - timedelta(1), "found_at": "Verulamium Park, St Albans",
              "held_at": "St Albans Police Station", "dispose_after": TODAY + timedelta(90)}
    return FoundItem(reference=reference, **{**fields, **overrides})


async def test_a_report_gets_a_reference_and_is_audited_without_contact_details(session):
    report = await _report(session)
    assert report.reference.startswith("LP-") and len(report.reference) == 9
    assert report.status == "open" and report.lost_on == TODAY - timedelta(3)
    entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "lost_property.report"))).all()
    assert [(e.subject, e.details) for e in entries] == [(report.reference, {"category": "wallets_purses"})]
    logged = json.dumps([[e.actor, e.subject, e.details] for e in entries])
    assert "Bloggs" not in logged and "example.org" not in logged


async def test_references_are_unique(session):
    made = {(await _report(session)).reference for _ in range(20)}
    assert len(made) == 20


async def test_staff_see_suggestions_best_first_and_none_once_matched(session):
    session.add_all([_found("FP/A"), _found("FP/B", colour="", description="Purse", brand=""),
                     _found("FP/D", colour="Red", description="Red purse", brand=""),
                     _found("FP/C", category="phones")])
    report = await _report(session)
    view = await reports.with_suggestions(session, report, today=TODAY)
    assert [item.reference for item, _ in view.suggestions] == ["FP/A", "FP/B"]

    await reports.set_status(session, report, "matched", actor="staff:1", item_reference="FP/A")
    assert report.matched_item.reference == "FP/A"
    assert (await reports.with_suggestions(session, report, today=TODAY)).suggestions == []


async def test_status_changes_are_audited_and_checked(session):
    session.add(_found("FP/A"))
    report = await _report(session)
    with pytest.raises(LostPropertyError, match="item_required"):
        await reports.set_status(session, report, "matched", actor="staff:1")
    with pytest.raises(LostPropertyError, match="item_unknown"):
        await reports.set_status(session, report, "matched", actor="staff:1", item_reference="FP/NOPE")
    with pytest.raises(LostPropertyError, match="status"):
        await reports.set_status(session, report, "lost_again", actor="staff:1")
    await reports.set_status(session, report, "matched", actor="staff:1", item_reference="FP/A")
    await reports.set_status(session, report, "returned", actor="staff:1")
    entries = (await session.scalars(
        select(AuditEntry).where(AuditEntry.action == "lost_property.status").order_by(AuditEntry.id)
    )).all()
    assert [(e.actor, e.subject, e.details) for e in entries] == [
        ("staff:1", report.reference, {"from": "open", "to": "matched", "item": "FP/A"}),
        ("staff:1", report.reference, {"from": "matched", "to": "returned"}),
    ]
    assert await reports.count_by_status(session) == {"open": 0, "matched": 0, "returned": 1, "closed": 0}
    assert [r.reference for r in await reports.list_reports(session, status="returned")] == [report.reference]
    assert await reports.list_reports(session) == []


async def test_a_found_items_reference_typed_in_lower_case_is_the_same_item(session):
    found = _found("FP/26/01423")
    session.add(found)
    report = await _report(session)
    await reports.set_status(session, report, "matched", actor="staff:1", item_reference=" fp/26/01423 ")
    assert report.matched_item_id == found.id
