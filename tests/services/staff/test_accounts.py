import pytest

from bot.db.models import AuditEntry
from bot.services import audit, clock
from bot.services.staff import accounts as staff
from bot.services.staff import sessions as staff_sessions


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


async def _live_tokens(session, user):
    now = clock.now()
    tokens = await staff_sessions.api_tokens(session, user.id)
    return [token for token in tokens if staff_sessions.token_state(token, now) == "live"]


async def test_disable_ends_sessions_revokes_tokens_and_audits(session):
    user = await staff.add(session, "leaver@herts.example", "officer", "long enough password")
    now = clock.now()
    cookie, _ = await staff_sessions.create_session(session, user, now)
    token = await staff_sessions.create_api_token(session, user, now)
    await staff.disable(session, user, actor="staff:99")
    assert not user.active
    assert await staff_sessions.lookup_session(session, cookie, now) is None
    assert await staff_sessions.verify_api_token(session, token, now) is None
    assert await _live_tokens(session, user) == []
    entries = [(e.actor, e.action, e.subject, e.details) for e in reversed(await audit.recent(session))]
    assert ("staff:99", "staff.disabled", f"staff:{user.id}", {"was_active": True, "sessions_ended": 1}) in entries
    assert ("staff:99", "staff.tokens_revoked", f"staff:{user.id}", {"count": 1}) in entries


async def test_enable_lets_the_account_in_again_but_old_tokens_stay_revoked(session):
    user = await staff.add(session, "back@herts.example", "officer", "long enough password")
    token = await staff_sessions.create_api_token(session, user, clock.now())
    await staff.disable(session, user, actor="cli")
    await staff.enable(session, user, actor="cli")
    assert user.active
    assert await staff_sessions.verify_api_token(session, token, clock.now()) is None
    assert (await audit.recent(session, limit=1))[0].details == {"was_active": False}


async def test_reset_password_changes_it_and_ends_sessions(session):
    user = await staff.add(session, "forgetful@herts.example", "supervisor", "long enough password")
    now = clock.now()
    cookie, _ = await staff_sessions.create_session(session, user, now)
    assert await staff.reset_password(session, user, "a brand new password", actor="staff:3") == 1
    assert staff.verify_password(user.password_hash, "a brand new password")
    assert not staff.verify_password(user.password_hash, "long enough password")
    assert await staff_sessions.lookup_session(session, cookie, now) is None
    [entry] = await audit.recent(session, action="staff.password_reset")
    assert (entry.actor, entry.details) == ("staff:3", {"sessions_ended": 1})
    assert "brand new" not in repr(entry.details)


async def test_reset_password_refuses_a_short_one(session):
    user = await staff.add(session, "short@herts.example", "officer", "long enough password")
    with pytest.raises(staff.StaffError, match="at least 12 characters"):
        await staff.reset_password(session, user, "short", actor="cli")
    assert staff.verify_password(user.password_hash, "long enough password")


async def test_only_active_members_can_be_given_work(session):
    second = await staff.add(session, "b@herts.example", "officer", "long enough password")
    first = await staff.add(session, "a@herts.example", "supervisor", "long enough password")
    left = await staff.add(session, "c@herts.example", "officer", "long enough password")
    left.active = False
    assert [user.id for user in await staff.active_members(session)] == [first.id, second.id]
