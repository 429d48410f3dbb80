"""Sign-in: no lock anyone can hold, a short bounded delay after failures, nothing said about which accounts exist."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import StaffSignInFailure
from bot.services import audit, clock
from bot.services.staff import sign_in
from tests.services.staff.conftest import PASSWORD


async def _actions(session):
    return [(e.action, e.details) for e in reversed(await audit.recent(session))]


async def test_login_succeeds_and_forgets_the_address_failures(session, officer):
    now = clock.now()
    key = sign_in.email_key(officer.email)
    refused = await sign_in.login(session, "officer@herts-pcc.example", "wrong password!", now)
    assert refused.user is None and refused.delay == 0
    assert await sign_in.recent_failures(session, key, now) == 1
    signed_in = await sign_in.login(session, " OFFICER@herts-pcc.example ", PASSWORD, now)
    assert signed_in.user is officer
    assert await sign_in.recent_failures(session, key, now) == 0
    assert ("staff.login", {}) in await _actions(session)


def test_the_delay_is_short_and_bounded():
    delays = [sign_in.delay_after(failures) for failures in range(12)]
    assert delays == [0, 0, 0, 1, 2, 4, 8, 10, 10, 10, 10, 10]
    assert sign_in.delay_after(10_000) == sign_in.MAX_DELAY == 10


async def test_no_lock_the_right_password_still_works_after_many_failures(session, officer):
    """What a stranger who knows the address can do: make its owner wait at most MAX_DELAY, never lock them out."""
    now = clock.now()
    delays = [(await sign_in.login(session, officer.email, "a stranger's guess", now)).delay for _ in range(20)]
    assert delays[:8] == [0, 0, 0, 1, 2, 4, 8, 10] and max(delays) == sign_in.MAX_DELAY
    owner = await sign_in.login(session, officer.email, PASSWORD, now + timedelta(seconds=1))
    assert owner.user is officer and owner.delay == sign_in.MAX_DELAY
    actions = [action for action, _ in await _actions(session)]
    assert actions == ["staff.add", *["staff.login_failed"] * 20, "staff.login"]
    failed = [details for action, details in await _actions(session) if action == "staff.login_failed"]
    assert failed[-1] == {"reason": "password", "failures": 20}


async def test_unknown_and_known_addresses_are_slowed_alike(session, officer):
    now = clock.now()
    known = [(await sign_in.login(session, officer.email, "wrong password!", now)).delay for _ in range(6)]
    unknown = [(await sign_in.login(session, "nobody@herts-pcc.example", "wrong password!", now)).delay
               for _ in range(6)]
    assert known == unknown == [0, 0, 0, 1, 2, 4]


async def test_failures_are_forgotten_after_a_while(session, officer):
    start = clock.now()
    for _ in range(5):
        await sign_in.login(session, officer.email, "wrong password!", start)
    later = start + sign_in.FAILURE_MEMORY + timedelta(seconds=1)
    refused = await sign_in.login(session, officer.email, "wrong password!", later)
    assert refused.user is None and refused.delay == 0
    # The old rows went when the new failure was recorded: the table only serves the delay.
    assert len((await session.scalars(select(StaffSignInFailure))).all()) == 1


async def test_unknown_address_is_audited_by_pseudonym_only(session):
    assert (await sign_in.login(session, "Someone@Example.org", PASSWORD, clock.now())).user is None
    assert (await sign_in.login(session, "not an address", PASSWORD, clock.now())).user is None
    entries = await audit.recent(session, action="staff.login_failed")
    assert len(entries) == 2
    text = repr([(e.actor, e.subject, e.details) for e in entries])
    assert "someone" not in text.lower() and PASSWORD not in text
    assert entries[1].actor == audit.pseudonym("someone@example.org", purpose="staff-email")
    stored = (await session.scalars(select(StaffSignInFailure.email_key))).all()
    assert "someone" not in repr(stored).lower()


async def test_disabled_account_cannot_sign_in(session, officer):
    officer.active = False
    assert (await sign_in.login(session, officer.email, PASSWORD, clock.now())).user is None
    assert (await audit.recent(session, limit=1))[0].details == {"reason": "inactive"}


@pytest.mark.parametrize("email", ["officer@herts-pcc.example", "nobody@herts-pcc.example", "not an address"])
async def test_every_refusal_checks_a_password(session, officer, monkeypatch, email):
    """Unknown, malformed and known addresses all cost one password check: timing tells nothing."""
    from bot.services.staff import passwords

    checked = []
    real_check = passwords.check

    async def counting_check(password_hash, password):
        checked.append(password)
        return await real_check(password_hash, password)

    monkeypatch.setattr(passwords, "check", counting_check)
    assert (await sign_in.login(session, email, "wrong password!", clock.now())).user is None
    assert checked == ["wrong password!"]


SPELLINGS = ["officer@herts-pcc.example", "officer@herts-pcc.example.", ".officer@herts-pcc.example..",
             " .Officer@HERTS-pcc.example. "]


def test_every_spelling_of_an_account_shares_one_key():
    """The key is the address as accounts.find normalises it (it also drops leading and trailing dots)."""
    assert {sign_in.email_key(email) for email in SPELLINGS} == {sign_in.email_key("officer@herts-pcc.example")}
    assert sign_in.email_key(".not an address.") == sign_in.email_key("Not an address")
    assert sign_in.email_key("other@herts-pcc.example") != sign_in.email_key(SPELLINGS[0])


async def test_dotted_spellings_do_not_escape_the_delay(session, officer):
    now = clock.now()
    for email in SPELLINGS[1:]:  # one failure each, under three spellings
        assert (await sign_in.login(session, email, "wrong password!", now)).delay == 0
    for email in SPELLINGS:  # whichever spelling comes next is slowed, the right password too
        assert (await sign_in.login(session, email, "wrong password!", now)).delay >= 1, email
    signed_in = await sign_in.login(session, ".officer@herts-pcc.example..", PASSWORD, now)
    assert signed_in.user is officer and signed_in.delay == sign_in.delay_after(3 + len(SPELLINGS))
    assert await sign_in.recent_failures(session, sign_in.email_key(officer.email), now) == 0  # all forgotten
