"""Every staff URL refuses anonymous callers; sign-in, sign-out, session expiry and cookies.

Throttled sign-ins (which replaced the account lockout) are tested in test_sign_in.py.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, StaffSession
from bot.services import clock
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.staff.auth import is_staff_api, is_staff_page
from tests.web.staff.conftest import PASSWORD, csrf_from, error_summary_link, sign_in

# Public JSON endpoints (the residents' chat); every other /api path must be a staff API.
PUBLIC_API_PREFIXES = ("/api/chat",)
FAILED = "The email address or password is not right"


def _routes(predicate):
    """(method, concrete path) of every route of the real app whose path matches, path parameters filled."""
    app = create_app(Settings.from_env({}))
    found = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if route.method in ("HEAD", "OPTIONS", "*") or not predicate(path):
            continue
        found.add((route.method, re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(found)


STAFF_PAGES = _routes(lambda path: is_staff_page(path) and path != "/staff/login")
STAFF_APIS = _routes(is_staff_api)
STAFF_FORMS = [(method, path) for method, path in STAFF_PAGES if method != "GET"]


def test_the_route_lists_are_not_empty():
    assert ("GET", "/staff") in STAFF_PAGES and ("GET", "/staff/audit") in STAFF_PAGES
    assert ("GET", "/api/staff/me") in STAFF_APIS
    assert ("POST", "/staff/logout") in STAFF_FORMS


def test_every_api_route_is_public_by_name_or_a_guarded_staff_api():
    unguarded = _routes(lambda path: path.startswith("/api/") and not is_staff_api(path)
                        and not path.startswith(PUBLIC_API_PREFIXES))
    assert unguarded == [], "add these to API_PREFIXES in bot/web/staff/auth.py, or to PUBLIC_API_PREFIXES here"


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
async def test_every_staff_page_sends_anonymous_browsers_to_sign_in(staff_client, method, path):
    client = await staff_client()
    response = await client.request(method, path, allow_redirects=False)
    assert response.status == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/staff/login"
    if method == "GET":
        assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize(("method", "path"), STAFF_APIS)
@pytest.mark.parametrize("authorization", [None, "Bearer nonsense", "Bearer hpcc_wrong", "Basic dXNlcjpwYXNz"])
async def test_every_staff_api_refuses_without_a_good_token(staff_client, method, path, authorization):
    client = await staff_client()
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.request(method, path, headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_sign_in_sets_a_strict_http_only_cookie_and_goes_on(staff_client, make_staff):
    user = await make_staff("officer")
    client = await staff_client()
    response = await sign_in(client, user.email.upper(), next_path="/staff/audit?page=2")
    assert response.status == 303
    assert response.headers["Location"] == "/staff/audit?page=2"
    cookie = response.cookies["staff_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff"
    assert not cookie["secure"]  # the test settings turn it off
    home = await client.get("/staff")
    assert home.status == 200
    assert user.email in await home.text()


async def test_cookies_are_secure_by_default(settings, make_staff):
    from aiohttp.test_utils import TestClient, TestServer

    user = await make_staff("officer")
    async with TestClient(TestServer(create_app(settings))) as client:
        page = await client.get("/staff/login")
        assert "Secure" in page.headers["Set-Cookie"]
        response = await client.post("/staff/login", allow_redirects=False, data={
            "csrf_token": csrf_from(await page.text()), "email": user.email, "password": PASSWORD})
        # The test client keeps Secure cookies off http, so the form looks expired: 403, no session.
        assert response.status == 403


@pytest.mark.parametrize("next_path", ["//evil.example/staff", "https://evil.example/staff", "/elsewhere",
                                       "/staff/login", "/\\evil.example"])
async def test_sign_in_never_redirects_off_the_dashboard(staff_client, make_staff, next_path):
    user = await make_staff("officer")
    response = await sign_in(await staff_client(), user.email, next_path=next_path)
    assert response.headers["Location"] == "/staff"


async def test_unknown_address_and_wrong_password_look_the_same(staff_client, make_staff, sessions):
    user = await make_staff("officer")
    client = await staff_client()
    wrong = await sign_in(client, user.email, "not the password at all")
    unknown = await sign_in(client, "nobody@herts-pcc.example", PASSWORD)
    assert wrong.status == unknown.status == 400
    field, text = error_summary_link(await wrong.text())
    assert error_summary_link(await unknown.text()) == (field, text) and field == "email" and FAILED in text
    assert "staff_session" not in wrong.cookies and "staff_session" not in unknown.cookies
    async with unit_of_work(sessions) as session:
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.login_failed"))).all()
    logged = repr([(e.actor, e.subject, e.details) for e in entries])
    assert len(entries) == 2
    assert "nobody" not in logged and "not the password" not in logged and PASSWORD not in logged


async def test_sign_out_ends_the_session(login_as, sessions):
    client = await login_as("officer")
    response = await client.post_form("/staff/logout")
    assert response.status == 303 and response.headers["Location"] == "/staff/login"
    async with unit_of_work(sessions) as session:
        assert (await session.scalars(select(StaffSession))).all() == []
    after = await client.get("/staff", allow_redirects=False)
    assert after.status == 303


async def test_an_old_cookie_is_refused_after_sign_out(login_as, staff_client):
    client = await login_as("officer")
    cookie = next(c for c in client.session.cookie_jar if c.key == "staff_session").value
    await client.post_form("/staff/logout")
    other = await staff_client()
    response = await other.get("/staff", cookies={"staff_session": cookie}, allow_redirects=False)
    assert response.status == 303


@pytest.mark.parametrize("stale", [
    {"expires_at": clock.now() - timedelta(seconds=1)},
    {"last_seen": clock.now() - timedelta(minutes=31)},
], ids=["absolute", "idle"])
async def test_expired_sessions_are_refused(login_as, sessions, stale):
    client = await login_as("officer")
    async with unit_of_work(sessions) as session:
        await session.execute(update(StaffSession).values(**stale))
    response = await client.get("/staff", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/staff/login")


async def test_a_disabled_account_is_signed_out(login_as, sessions):
    from bot.db.models import StaffUser

    client = await login_as("supervisor")
    async with unit_of_work(sessions) as session:
        await session.execute(update(StaffUser).values(active=False))
    assert (await client.get("/staff", allow_redirects=False)).status == 303


async def test_staff_pages_are_never_cached(login_as, staff_client):
    client = await login_as("officer")
    for path in ("/staff", "/staff/no-such-page"):
        response = await client.get(path)
        assert response.headers["Cache-Control"] == "no-store"
    login_page = await (await staff_client()).get("/staff/login")
    assert login_page.headers["Cache-Control"] == "no-store"


async def test_unknown_staff_page_is_a_friendly_html_404(login_as):
    client = await login_as("officer")
    response = await client.get("/staff/no-such-page")
    assert response.status == 404
    assert response.content_type == "text/html"
    assert "Page not found" in await response.text()
