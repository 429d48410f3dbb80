"""CSRF on every form, roles, the audit log, escaping of user text, and the staff API's token check."""

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, StaffApiToken
from bot.services import audit, clock
from bot.services.staff import sessions as staff_sessions
from tests.web.staff.conftest import csrf_from, sign_in
from tests.web.staff.test_auth import STAFF_FORMS

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.parametrize(("method", "path"), STAFF_FORMS)
@pytest.mark.parametrize("token", [None, "", "wrong-token"])
async def test_every_staff_form_needs_the_csrf_token(login_as, method, path, token):
    client = await login_as("supervisor")
    data = {} if token is None else {"csrf_token": token}
    response = await client.request(method, path, data=data, allow_redirects=False)
    assert response.status == 403
    assert "text/html" in response.headers["Content-Type"]
    # Still signed in: the refused request changed nothing.
    assert (await client.get("/staff", allow_redirects=False)).status == 200


async def test_csrf_token_of_another_session_is_refused(login_as):
    first = await login_as("officer")
    second = await login_as("officer")
    response = await first.post_form("/staff/logout", {"csrf_token": second.csrf_token})
    assert response.status == 403


async def test_csrf_header_works_for_scripts(login_as):
    client = await login_as("officer")
    response = await client.post("/staff/logout", headers={"X-CSRF-Token": client.csrf_token}, allow_redirects=False)
    assert response.status == 303


@pytest.mark.parametrize("token", [None, "wrong-token"])
async def test_sign_in_form_needs_its_csrf_token(staff_client, make_staff, token):
    user = await make_staff("officer")
    client = await staff_client()
    await client.get("/staff/login")  # sets the double-submit cookie
    data = {"email": user.email, "password": "a long enough test password"}
    if token is not None:
        data["csrf_token"] = token
    response = await client.post("/staff/login", data=data, allow_redirects=False)
    assert response.status == 403
    assert "staff_session" not in response.cookies


async def test_sign_in_form_without_the_cookie_is_refused(staff_client, make_staff):
    user = await make_staff("officer")
    page = await (await staff_client()).get("/staff/login")
    fresh = await staff_client()  # a forged form posted from elsewhere carries no cookie of ours
    response = await fresh.post("/staff/login", allow_redirects=False, data={
        "csrf_token": csrf_from(await page.text()), "email": user.email, "password": "a long enough test password"})
    assert response.status == 403


async def test_officer_cannot_see_the_audit_log(login_as):
    client = await login_as("officer")
    response = await client.get("/staff/audit")
    assert response.status == 403
    html = await response.text()
    assert "You cannot see this page" in html
    assert 'href="/staff/audit"' not in html  # nor is it offered in the menu
    assert 'href="/staff/audit"' not in await (await client.get("/staff")).text()


async def test_supervisor_sees_the_audit_log_and_the_view_is_audited(login_as, sessions):
    client = await login_as("supervisor")
    response = await client.get("/staff/audit")
    assert response.status == 200
    html = await response.text()
    assert "staff.login" in html and client.staff.email in html  # actors are shown by e-mail
    async with unit_of_work(sessions) as session:
        viewed = await audit.recent(session, action="audit.viewed")
    assert [e.actor for e in viewed] == [f"staff:{client.staff.id}"]


async def test_audit_log_filters_and_pages(login_as, sessions):
    client = await login_as("supervisor")
    async with unit_of_work(sessions) as session:
        for number in range(60):
            await audit.record(session, actor="cli", action="test.many", details={"n": number})
    first = await (await client.get("/staff/audit?action=test.many")).text()
    assert "n: 59</td>" in first and "n: 10</td>" in first and "n: 9</td>" not in first
    assert '<td class="govuk-table__cell">staff.login</td>' not in first
    assert "page=2" in first
    second = await (await client.get("/staff/audit?action=test.many&page=2")).text()
    assert "n: 9</td>" in second and "n: 0</td>" in second and "n: 10</td>" not in second
    assert "page=1" in second and "page=3" not in second
    nonsense = await client.get("/staff/audit?action=nope&page=zzz")
    assert nonsense.status == 200


async def test_user_text_in_the_audit_log_renders_inert(login_as, sessions):
    client = await login_as("supervisor")
    async with unit_of_work(sessions) as session:
        await audit.record(session, actor=XSS, action=XSS, subject=XSS, details={XSS: XSS})
    html = await (await client.get("/staff/audit")).text()
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


async def test_a_hostile_staff_email_renders_inert(login_as):
    client = await login_as("officer", email="<script>alert(1)</script>@herts-pcc.example")
    html = await (await client.get("/staff")).text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@herts-pcc.example" in html


async def test_failed_sign_in_echoes_the_address_escaped(staff_client):
    response = await sign_in(await staff_client(), '"><script>alert(1)</script>@x.example', "whatever")
    html = await response.text()
    assert "<script>" not in html and "&#34;&gt;&lt;script&gt;" in html


async def test_pages_work_without_javascript(login_as):
    client = await login_as("supervisor")
    for path in ("/staff", "/staff/audit", "/staff/login"):
        html = await (await client.get(path)).text()
        assert "<script" not in html
        assert "/static/staff/staff.min.css" in html


async def test_api_me_with_a_good_token(staff_client, api_token, sessions):
    token = await api_token("supervisor", email="lead@herts-pcc.example")
    client = await staff_client()
    response = await client.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    assert await response.json() == {"email": "lead@herts-pcc.example", "role": "supervisor"}
    assert response.headers["Cache-Control"] == "no-store"
    async with unit_of_work(sessions) as session:
        row = await session.scalar(select(StaffApiToken))
        assert row.last_used_at is not None and token not in row.token_hash
        assert await session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.token_created"))


async def test_revoked_token_and_session_cookie_do_not_open_the_api(login_as, api_token, sessions, staff_client):
    token = await api_token("officer")
    async with unit_of_work(sessions) as session:
        row = await session.scalar(select(StaffApiToken))
        await staff_sessions.revoke_api_tokens(session, row.staff_id)
    client = await staff_client()
    assert (await client.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"})).status == 401
    browser = await login_as("officer")
    assert (await browser.get("/api/staff/me")).status == 401


async def test_token_of_a_disabled_account_is_refused(api_token, sessions, staff_client):
    from sqlalchemy import update

    from bot.db.models import StaffUser

    token = await api_token("officer")
    async with unit_of_work(sessions) as session:
        await session.execute(update(StaffUser).values(active=False))
        assert await staff_sessions.verify_api_token(session, token, clock.now()) is None
    client = await staff_client()
    assert (await client.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"})).status == 401
