"""Demo complaints: loaded once, triaged like real ones."""

from sqlalchemy import func, select

from bot.db.models import Complaint
from bot.demo_data import LOADERS
from bot.services.complaints.demo import load_demo_complaints


async def test_demo_complaints_load_once_and_are_triaged(session):
    assert LOADERS["complaints"] is load_demo_complaints
    added = await load_demo_complaints(session)
    assert added == 4
    assert await load_demo_complaints(session) == 0
    rows = list(await session.scalars(select(Complaint).order_by(Complaint.id)))
    assert len(rows) == await session.scalar(select(func.count()).select_from(Complaint))
    assert rows[0].status == "closed" and rows[0].must_record
    assert {row.category for row in rows} == {"officer_conduct", "service_or_policy"}
    assert any(row.priority == 2 for row in rows)
