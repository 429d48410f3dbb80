from bot.db.models import AuditEntry
from bot.services import audit


async def test_record_adds_to_the_callers_transaction(sessions):
    async with sessions() as session, session.begin():
        entry = await audit.record(session, actor="chat", action="test.event", subject="x:1", details={"n": 1})
        assert entry.id is not None
        await session.rollback()
    async with sessions() as session:
        # The caller rolled back, so nothing was committed behind its back.
        assert await session.get(AuditEntry, entry.id) is None


async def test_recent_lists_newest_first_and_filters(session):
    for n in range(3):
        await audit.record(session, actor="chat", action="a", details={"n": n})
    await audit.record(session, actor="staff:1", action="b")
    newest = await audit.recent(session, limit=2)
    assert [e.action for e in newest] == ["b", "a"]
    only_a = await audit.recent(session, action="a")
    assert [e.details["n"] for e in only_a] == [2, 1, 0]


def test_pseudonym_is_stable_and_hides_the_value():
    label = audit.pseudonym("41/12345/24", purpose="case")
    assert label == audit.pseudonym("41/12345/24", purpose="case")
    assert label != audit.pseudonym("41/12345/25", purpose="case")
    assert label.startswith("case:") and "12345" not in label
