import pytest

from bot.db.models import AuditEntry
from bot.services import audit
from bot.services.staff import accounts as staff


async def test_add_hashes_the_password_and_audits(session):
    user = await staff.add(session, " Officer@Herts.PCC.example ", "officer", "correct horse battery")
    assert user.email == "officer@herts.pcc.example"
    assert "correct horse" not in user.password_hash
    assert staff.verify_password(user.password_hash, "correct horse battery")
    assert not staff.verify_password(user.password_hash, "wrong horse battery")
    entries = await audit.recent(session, action="staff.add")
    assert [(e.subject, e.details) for e in entries] == [(f"staff:{user.id}", {"role": "officer"})]
    assert isinstance(entries[0], AuditEntry)


@pytest.mark.parametrize(
    ("email", "role", "password", "message"),
    [
        ("not-an-email", "officer", "long enough password", "not an e-mail address"),
        ("a@b.example", "admin", "long enough password", "role must be one of"),
        ("a@b.example", "officer", "short", "at least 12 characters"),
    ],
)
async def test_add_refuses_bad_input(session, email, role, password, message):
    with pytest.raises(staff.StaffError, match=message):
        await staff.add(session, email, role, password)


async def test_add_refuses_duplicates(session):
    await staff.add(session, "sup@b.example", "supervisor", "long enough password")
    with pytest.raises(staff.StaffError, match="already exists"):
        await staff.add(session, "SUP@b.example", "officer", "another long password")
    assert await staff.count(session) == 1


def test_verify_rejects_a_corrupt_hash():
    assert not staff.verify_password("not-a-hash", "anything")


async def test_only_active_members_can_be_given_work(session):
    second = await staff.add(session, "b@herts.example", "officer", "long enough password")
    first = await staff.add(session, "a@herts.example", "supervisor", "long enough password")
    left = await staff.add(session, "c@herts.example", "officer", "long enough password")
    left.active = False
    assert [user.id for user in await staff.active_members(session)] == [first.id, second.id]
