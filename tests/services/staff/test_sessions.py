"""Sign-in with lockout, dashboard sessions with timeouts, and API tokens."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.db.models import StaffApiToken, StaffSession
from bot.services import audit, clock
from bot.services.staff import accounts as staff
from bot.services.staff import sessions as staff_sessions

PASSWORD = "a long enough test password"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    monkeypatch.setattr(staff, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
async def officer(session):
    return await staff.add(session, "officer@herts-pcc.example", "officer", PASSWORD)


async def _actions(session):
    return [(e.action, e.details) for e in reversed(await audit.recent(session))]


async def test_login_succeeds_and_resets_the_failure_count(session, officer):
    now = clock.now()
    assert await staff.login(session, "officer@herts-pcc.example", "wrong password!", now) is None
    assert officer.failed_logins == 1
    assert await staff.login(session, " OFFICER@herts-pcc.example ", PASSWORD, now) is officer
    assert officer.failed_logins == 0
    assert ("staff.login", {}) in await _actions(session)


async def test_lockout_after_five_failures_for_fifteen_minutes(session, officer):
    now = clock.now()
    for _ in range(staff.MAX_FAILED_LOGINS):
        assert await staff.login(session, officer.email, "wrong password!", now) is None
    assert officer.locked_until is not None
    # Locked: even the right password is refused, and the refusal does not extend the lock.
    assert await staff.login(session, officer.email, PASSWORD, now + timedelta(minutes=14)) is None
    assert await staff.login(session, officer.email, PASSWORD, now + timedelta(minutes=15, seconds=1)) is officer
    actions = [action for action, _ in await _actions(session)]
    assert actions == ["staff.add", *["staff.login_failed"] * 5, "staff.locked", "staff.login_refused", "staff.login"]


async def test_unknown_address_is_audited_by_pseudonym_only(session):
    assert await staff.login(session, "Someone@Example.org", PASSWORD, clock.now()) is None
    assert await staff.login(session, "not an address", PASSWORD, clock.now()) is None
    entries = await audit.recent(session, action="staff.login_failed")
    assert len(entries) == 2
    text = repr([(e.actor, e.subject, e.details) for e in entries])
    assert "someone" not in text.lower() and PASSWORD not in text
    assert entries[1].actor == audit.pseudonym("someone@example.org", purpose="staff-email")


async def test_disabled_account_cannot_sign_in(session, officer):
    officer.active = False
    assert await staff.login(session, officer.email, PASSWORD, clock.now()) is None
    assert (await audit.recent(session, limit=1))[0].details == {"reason": "inactive"}


async def test_session_lookup_and_timeouts(session, officer):
    start = clock.now()
    token, signed_in = await staff_sessions.create_session(session, officer, start)
    stored = await session.scalar(select(StaffSession))
    assert stored.token_hash == staff_sessions.hash_token(token) and token not in stored.token_hash
    found = await staff_sessions.lookup_session(session, token, start + timedelta(minutes=29))
    assert found is not None and found.user is officer and found.csrf_token == signed_in.csrf_token
    # Idle: 30 minutes after the last request.
    assert await staff_sessions.lookup_session(session, token, start + timedelta(minutes=60)) is None
    assert await session.scalar(select(StaffSession)) is None


async def test_absolute_timeout_even_when_busy(session, officer):
    start = clock.now()
    token, _ = await staff_sessions.create_session(session, officer, start)
    moment = start
    while moment < start + staff_sessions.ABSOLUTE_TIMEOUT - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert await staff_sessions.lookup_session(session, token, moment) is not None
    assert await staff_sessions.lookup_session(session, token, start + staff_sessions.ABSOLUTE_TIMEOUT) is None


async def test_end_session_and_purge(session, officer):
    now = clock.now()
    token, _ = await staff_sessions.create_session(session, officer, now)
    await staff_sessions.create_session(session, officer, now - timedelta(hours=1))
    assert await staff_sessions.purge_expired_sessions(session, now) == 1
    assert await staff_sessions.end_session(session, token)
    assert not await staff_sessions.end_session(session, token)
    assert await staff_sessions.lookup_session(session, "", now) is None


async def test_api_tokens(session, officer):
    now = clock.now()
    token = await staff_sessions.create_api_token(session, officer, now)
    assert token.startswith(staff_sessions.API_TOKEN_PREFIX)
    assert await staff_sessions.verify_api_token(session, token, now) is officer
    assert (await session.scalar(select(StaffApiToken))).last_used_at is not None
    assert await staff_sessions.verify_api_token(session, token + "x", now) is None
    assert await staff_sessions.verify_api_token(session, "", now) is None
    assert await staff_sessions.revoke_api_tokens(session, officer.id) == 1
    assert await staff_sessions.verify_api_token(session, token, now) is None
    actions = [action for action, _ in await _actions(session)]
    assert "staff.token_created" in actions and "staff.tokens_revoked" in actions
