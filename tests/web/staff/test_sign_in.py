"""Signing in over HTTP: per-address back-off and a global ceiling instead of a lock, the bounded delay, and
password checks that never stall the event loop (so never the public chat).

Clients connect from different loopback addresses (127.0.0.2, 127.0.0.3...) to one app, so the web app sees
different client addresses for real.
"""

import asyncio
import threading
import time

import aiohttp
import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry
from bot.services import audit
from bot.services.staff import passwords, sign_in
from bot.web.app import create_app
from bot.web.body import storable
from bot.web.staff import login, sign_in_throttle
from tests.web.staff.conftest import PASSWORD, StaffTestClient, csrf_from
from tests.web.staff.conftest import sign_in as submit_sign_in

THROTTLED = "too many unsuccessful sign-ins from your connection"


@pytest.fixture
async def app_server(staff_settings):
    """One app (one throttle) that every client of the test talks to."""
    from aiohttp.test_utils import TestServer

    server = TestServer(create_app(staff_settings), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def client_from(app_server):
    """`await client_from("127.0.0.2")`: a browser connecting from that loopback address."""
    clients = []

    async def make(address):
        client = StaffTestClient(app_server, connector=aiohttp.TCPConnector(local_addr=(address, 0)))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.session.close()


@pytest.fixture
def short_delays(monkeypatch):
    """The per-address-of-mail delay capped at a fifth of a second, for tests about the throttle itself."""
    monkeypatch.setattr(sign_in, "MAX_DELAY", 0.2)


async def actions(sessions, action):
    async with unit_of_work(sessions) as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_wrong_passwords_slow_that_address_and_never_lock_the_account(client_from, make_staff, sessions,
                                                                           short_delays):
    officer = await make_staff("officer")
    attacker = await client_from("127.0.0.2")
    for _ in range(sign_in_throttle.ADDRESS_FREE_FAILURES):
        assert (await submit_sign_in(attacker, officer.email, "a stranger's guess")).status == 400
    refused = await submit_sign_in(attacker, officer.email, PASSWORD)  # even the right password: not checked
    assert refused.status == 429 and refused.headers["Retry-After"] == "1"
    assert THROTTLED in await refused.text() and "staff_session" not in refused.cookies
    assert len(await actions(sessions, "staff.login_failed")) == sign_in_throttle.ADDRESS_FREE_FAILURES
    [backoff] = await actions(sessions, "staff.login_backoff")
    assert backoff.actor == audit.pseudonym("127.0.0.2", purpose="client") and backoff.details == {"seconds": 1}

    # The account's owner, from their own address, signs straight in: nobody can lock them out.
    owner = await client_from("127.0.0.3")
    response = await submit_sign_in(owner, officer.email, PASSWORD)
    assert response.status == 303 and "staff_session" in response.cookies

    # The attacker may guess again once the back-off is over, and then waits twice as long.
    await asyncio.sleep(1.05)
    assert (await submit_sign_in(attacker, officer.email, "another guess")).status == 400
    again = await submit_sign_in(attacker, officer.email, "and another")
    assert again.status == 429 and again.headers["Retry-After"] == "2"


async def test_the_global_ceiling_sheds_sign_ins_but_not_signed_in_staff(app_server, client_from, make_staff,
                                                                        short_delays):
    officer = await make_staff("officer")
    signed_in = await client_from("127.0.0.9")
    assert (await submit_sign_in(signed_in, officer.email)).status == 303
    throttle = app_server.app[sign_in_throttle.SIGN_IN_THROTTLE]
    throttle.per_minute = 3  # two more checks this minute, from anywhere
    for number in (2, 3):
        client = await client_from(f"127.0.0.{number}")
        assert (await submit_sign_in(client, officer.email, "wrong guess")).status == 400
    busy = await submit_sign_in(await client_from("127.0.0.4"), officer.email, PASSWORD)
    assert busy.status == 429 and 1 <= int(busy.headers["Retry-After"]) <= 60
    assert "The sign-in service is busy" in await busy.text()
    assert (await signed_in.get("/staff", allow_redirects=False)).status == 200


async def test_failures_for_an_address_make_its_next_answer_wait(client_from, make_staff):
    officer = await make_staff("officer")
    for number in range(sign_in.DELAY_FREE_FAILURES):  # from different places: only the e-mail address is common
        client = await client_from(f"127.0.1.{number + 1}")
        assert (await submit_sign_in(client, officer.email, "wrong guess")).status == 400
    owner = await client_from("127.0.2.1")
    started = time.monotonic()
    response = await submit_sign_in(owner, officer.email, PASSWORD)
    assert response.status == 303
    assert time.monotonic() - started >= sign_in.delay_after(sign_in.DELAY_FREE_FAILURES) == 1


async def test_password_checks_run_off_the_event_loop_during_concurrent_sign_ins(client_from, make_staff, monkeypatch):
    """Sign-ins at once: every Argon2 check runs on the password threads, never on the loop's own thread, so the
    public chat never waits for one. Asserted by where each check ran: an earlier version compared the loop's lag
    with one check's duration, and failed on a busy CI machine. (From several addresses: one address gets no
    more checks at once than its free failures.)"""
    officer = await make_staff("officer")
    loop_thread = threading.get_ident()
    ran_on: list[int] = []
    real_verify = passwords.verify_password

    def recording(password_hash: str, password: str) -> bool:
        ran_on.append(threading.get_ident())
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", recording)
    clients = [await client_from(f"127.0.3.{number + 1}") for number in range(sign_in_throttle.MAX_PENDING_CHECKS)]
    tokens = [csrf_from(await (await client.get("/staff/login")).text()) for client in clients]
    responses = await asyncio.gather(*(
        client.post("/staff/login", allow_redirects=False,
                    data={"csrf_token": token, "email": officer.email, "password": f"wrong {number}"})
        for number, (client, token) in enumerate(zip(clients, tokens, strict=True))
    ))  # fmt: skip
    assert [response.status for response in responses] == [400] * sign_in_throttle.MAX_PENDING_CHECKS
    assert len(ran_on) == sign_in_throttle.MAX_PENDING_CHECKS
    assert loop_thread not in ran_on


async def test_sign_ins_sent_together_get_one_check_per_wait(app_server, client_from, make_staff, monkeypatch,
                                                            short_delays):
    """The back-off counts a check still running: twenty wrong sign-ins sent at once, once the wait is over, make
    one password check (the others get 429 at once), and a fresh address's burst no more than its free ones."""
    officer = await make_staff("officer")
    checked: list[str] = []
    real_verify = passwords.verify_password

    def counting(password_hash: str, password: str) -> bool:
        checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    attacker = await client_from("127.0.0.2")
    token = csrf_from(await (await attacker.get("/staff/login")).text())

    async def burst() -> list[int]:
        responses = await asyncio.gather(*(
            attacker.post("/staff/login", allow_redirects=False,
                          data={"csrf_token": token, "email": officer.email, "password": f"guess {number}"})
            for number in range(20)
        ))  # fmt: skip
        return sorted(response.status for response in responses)

    free = sign_in_throttle.ADDRESS_FREE_FAILURES
    assert await burst() == [400] * free + [429] * (20 - free)
    assert len(checked) == free
    throttle = app_server.app[sign_in_throttle.SIGN_IN_THROTTLE]
    for _ in range(2):
        checked.clear()
        await asyncio.sleep(throttle.address_wait("127.0.0.2") + 0.05)
        assert await burst() == [400] + [429] * 19
        assert len(checked) == 1


@pytest.mark.parametrize("control", ["\n", "\r", "\x00", "\t", "\x1b", "\x7f"])
async def test_a_next_page_with_a_control_character_goes_to_the_dashboard(client_from, make_staff, sessions,
                                                                         control):
    """`next` becomes the Location header, where aiohttp refuses control characters (after the session was made:
    an empty reply). Such a `next` is no page of ours: the sign-in goes to the dashboard instead."""
    officer = await make_staff("officer")
    browser = await client_from("127.0.0.2")
    page = await browser.get("/staff/login", params={"next": f"/staff/tickets{control}X"})
    assert 'name="next" value="/staff"' in await page.text()
    data = {"csrf_token": csrf_from(await page.text()), "email": officer.email, "password": PASSWORD,
            "next": f"/staff/tickets{control}X"}  # as a hand-made form would send it
    response = await browser.post("/staff/login", data=data, allow_redirects=False)
    if not storable(control):  # no form field may hold it: refused before any password check
        assert response.status == 400 and not await actions(sessions, "staff.login")
        return
    assert response.status == 303 and response.headers["Location"] == "/staff"
    assert (await browser.get("/staff", allow_redirects=False)).status == 200
    assert len(await actions(sessions, "staff.login")) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/staff/tickets?q=a b", "/staff/tickets?q=a b"),  # a search with a space is still a page of ours
        ("/staff/tickets\nSet-Cookie: x=1", "/staff"),
        ("/staff/tickets\x85", "/staff"),  # a C1 control character
        ("/staff/\ud800", "/staff"),  # a lone surrogate cannot even be encoded into a header
    ],
)
def test_safe_next_keeps_only_clean_paths(raw, expected):
    assert login.safe_next(raw) == expected
