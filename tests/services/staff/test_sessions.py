"""Dashboard sessions with timeouts, and API tokens: expiry, listing, revocation."""

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import StaffApiToken, StaffSession
from bot.services import audit, clock
from bot.services.staff import accounts as staff
from bot.services.staff import sessions as staff_sessions


async def _actions(session):
    return [(e.action, e.details) for e in reversed(await audit.recent(session))]


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


async def test_api_tokens_expire_after_their_lifetime(session, officer):
    made = clock.now()
    token = await staff_sessions.create_api_token(session, officer, made, lifetime=timedelta(days=90))
    stored = await session.scalar(select(StaffApiToken))
    assert clock.aware(stored.expires_at) == made + timedelta(days=90)
    assert await staff_sessions.verify_api_token(session, token, made + timedelta(days=89, hours=23)) is officer
    assert await staff_sessions.verify_api_token(session, token, made + timedelta(days=90)) is None
    assert staff_sessions.token_state(stored, made + timedelta(days=90)) == "expired"
    created = [details for action, details in await _actions(session) if action == "staff.token_created"]
    assert created == [{"token_id": stored.id, "expires_at": (made + timedelta(days=90)).isoformat()}]


async def test_the_default_lifetime_is_ninety_days(session, officer):
    now = clock.now()
    await staff_sessions.create_api_token(session, officer, now)
    stored = await session.scalar(select(StaffApiToken))
    assert clock.aware(stored.expires_at) - clock.aware(stored.created_at) == timedelta(days=90)


async def test_tokens_are_listed_newest_first_and_revoked_one_at_a_time(session, officer):
    start = clock.now()
    first = await staff_sessions.create_api_token(session, officer, start - timedelta(days=2))
    second = await staff_sessions.create_api_token(session, officer, start - timedelta(days=1))
    other = await staff.add(session, "other@herts-pcc.example", "officer", "another long password")
    await staff_sessions.create_api_token(session, other, start)
    listed = await staff_sessions.api_tokens(session, officer.id)
    assert [clock.aware(token.created_at) for token in listed] == [start - timedelta(days=1), start - timedelta(days=2)]
    assert all(staff_sessions.token_state(token, start) == "live" for token in listed)
    older = listed[1]
    assert await staff_sessions.revoke_api_token(session, older, actor="staff:7")
    assert not await staff_sessions.revoke_api_token(session, older, actor="staff:7")  # already revoked: no-op
    assert older.revoked and older.revoked_at is not None
    assert staff_sessions.token_state(older, start) == "revoked"
    assert await staff_sessions.verify_api_token(session, first, start) is None
    assert await staff_sessions.verify_api_token(session, second, start) is officer
    revoked = [(e.actor, e.subject, e.details) for e in await audit.recent(session, action="staff.token_revoked")]
    assert revoked == [("staff:7", f"staff:{officer.id}", {"token_id": older.id})]


async def test_revoking_all_tokens_stamps_when(session, officer):
    now = clock.now()
    await staff_sessions.create_api_token(session, officer, now)
    await staff_sessions.create_api_token(session, officer, now)
    assert await staff_sessions.revoke_api_tokens(session, officer.id, actor="cli") == 2
    assert await staff_sessions.revoke_api_tokens(session, officer.id, actor="cli") == 0
    tokens = await staff_sessions.api_tokens(session, officer.id)
    assert len(tokens) == 2  # listed still, revoked: all() of no tokens would pass whatever revoking did
    assert all(token.revoked and token.revoked_at is not None for token in tokens)
