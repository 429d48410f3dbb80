"""Supervisors manage accounts in the dashboard: disable, enable, reset a password, revoke tokens (CSRF, audited)."""

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, StaffUser
from bot.services import clock
from bot.services.staff import sessions as staff_sessions
from tests.web.staff.conftest import PASSWORD, error_summary_link, sign_in

NEW_PASSWORD = "a completely new password"


async def audited(sessions, action):
    async with unit_of_work(sessions) as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def token_for(sessions, user):
    async with unit_of_work(sessions) as session:
        return await staff_sessions.create_api_token(session, user, clock.now(), actor="test")


@pytest.mark.parametrize("path", ["/staff/accounts", "/staff/accounts/1"])
async def test_officers_cannot_see_the_account_pages(login_as, path):
    officer = await login_as("officer")
    response = await officer.get(path, allow_redirects=False)
    assert response.status == 403


@pytest.mark.parametrize("change", ["disable", "enable", "revoke-tokens", "reset-password", "tokens/1/revoke"])
async def test_officers_cannot_change_accounts(login_as, change):
    officer = await login_as("officer")
    colleague = await login_as("officer")
    response = await officer.post_form(f"/staff/accounts/{colleague.staff.id}/{change}",
                                       {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status == 403
    assert (await colleague.get("/staff", allow_redirects=False)).status == 200


@pytest.mark.parametrize("change", ["disable", "revoke-tokens", "reset-password"])
async def test_changes_need_the_csrf_token(login_as, change):
    supervisor = await login_as("supervisor")
    officer = await login_as("officer")
    response = await supervisor.post(f"/staff/accounts/{officer.staff.id}/{change}", allow_redirects=False,
                                     data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status == 403
    assert (await officer.get("/staff", allow_redirects=False)).status == 200


async def test_the_list_shows_every_account_without_secrets(login_as, make_staff, sessions):
    supervisor = await login_as("supervisor")
    leaver = await make_staff("officer", active=False)
    token = await token_for(sessions, supervisor.staff)
    html = await (await supervisor.get("/staff/accounts")).text()
    assert supervisor.staff.email in html and leaver.email in html and "Disabled" in html
    assert token not in html and "$argon2" not in html
    assert "<script" not in html  # the strict CSP allows no inline script: forms only
    assert len(await audited(sessions, "staff.accounts_viewed")) == 1


async def test_disabling_signs_out_everywhere_and_stops_the_tokens(login_as, sessions, staff_client):
    supervisor = await login_as("supervisor")
    officer = await login_as("officer")
    token = await token_for(sessions, officer.staff)
    api = await staff_client()
    assert (await api.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"})).status == 200

    response = await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/disable")
    assert response.status == 303 and response.headers["Location"].endswith("?done=disabled")
    assert (await officer.get("/staff", allow_redirects=False)).status == 303
    assert (await api.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"})).status == 401
    assert (await sign_in(await staff_client(), officer.staff.email)).status == 400
    page = await (await supervisor.get(response.headers["Location"])).text()
    assert "The account is disabled" in page and "Enable account" in page
    [entry] = await audited(sessions, "staff.disabled")
    assert (entry.actor, entry.subject) == (f"staff:{supervisor.staff.id}", f"staff:{officer.staff.id}")
    assert entry.details == {"was_active": True, "sessions_ended": 1}

    assert (await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/enable")).status == 303
    assert (await sign_in(await staff_client(), officer.staff.email)).status == 303
    assert (await api.get("/api/staff/me", headers={"Authorization": f"Bearer {token}"})).status == 401
    assert len(await audited(sessions, "staff.enabled")) == 1


async def test_a_supervisor_cannot_disable_themselves(login_as, sessions):
    supervisor = await login_as("supervisor")
    response = await supervisor.post_form(f"/staff/accounts/{supervisor.staff.id}/disable")
    assert response.status == 400 and "ask another supervisor" in await response.text()
    assert (await supervisor.get("/staff", allow_redirects=False)).status == 200


async def test_resetting_a_password_signs_the_account_out(login_as, sessions, staff_client):
    supervisor = await login_as("supervisor")
    officer = await login_as("officer")
    mismatch = await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/reset-password",
                                          {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert mismatch.status == 400
    field, text = error_summary_link(await mismatch.text())
    assert field == "password" and "The two passwords are different" in text
    short = await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/reset-password",
                                       {"password": "short", "confirm": "short"})
    assert short.status == 400 and "at least 12 characters" in await short.text()
    assert (await officer.get("/staff", allow_redirects=False)).status == 200  # nothing changed yet

    done = await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/reset-password",
                                      {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status == 303
    assert (await officer.get("/staff", allow_redirects=False)).status == 303
    assert (await sign_in(await staff_client(), officer.staff.email, PASSWORD)).status == 400
    assert (await sign_in(await staff_client(), officer.staff.email, NEW_PASSWORD)).status == 303
    [entry] = await audited(sessions, "staff.password_reset")
    assert NEW_PASSWORD not in repr(entry.details)


async def test_tokens_are_listed_by_date_and_revoked_one_or_all(login_as, sessions, staff_client):
    supervisor = await login_as("supervisor")
    officer = await login_as("officer")
    first, second = await token_for(sessions, officer.staff), await token_for(sessions, officer.staff)
    html = await (await supervisor.get(f"/staff/accounts/{officer.staff.id}")).text()
    assert first not in html and second not in html and "Can be used" in html and "Expires" in html
    async with unit_of_work(sessions) as session:
        listed = await staff_sessions.api_tokens(session, officer.staff.id)
    newest = listed[0]
    response = await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/tokens/{newest.id}/revoke")
    assert response.status == 303
    api = await staff_client()
    assert (await api.get("/api/staff/me", headers={"Authorization": f"Bearer {second}"})).status == 401
    assert (await api.get("/api/staff/me", headers={"Authorization": f"Bearer {first}"})).status == 200
    assert (await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/revoke-tokens")).status == 303
    assert (await api.get("/api/staff/me", headers={"Authorization": f"Bearer {first}"})).status == 401
    # Another account's token id under this account is not found.
    other = await token_for(sessions, supervisor.staff)
    async with unit_of_work(sessions) as session:
        [mine] = await staff_sessions.api_tokens(session, supervisor.staff.id)
    wrong = await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/tokens/{mine.id}/revoke")
    assert wrong.status == 404
    assert (await api.get("/api/staff/me", headers={"Authorization": f"Bearer {other}"})).status == 200
    assert len(await audited(sessions, "staff.token_revoked")) == 1
    assert len(await audited(sessions, "staff.tokens_revoked")) == 1


async def test_unknown_accounts_are_not_found(login_as):
    supervisor = await login_as("supervisor")
    assert (await supervisor.get("/staff/accounts/999999")).status == 404
    assert (await supervisor.get("/staff/accounts/abc")).status == 404
    assert (await supervisor.post_form("/staff/accounts/999999/disable")).status == 404


async def test_the_accounts_in_the_database_are_really_changed(login_as, sessions):
    supervisor = await login_as("supervisor")
    officer = await login_as("officer")
    await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/disable")
    async with unit_of_work(sessions) as session:
        assert (await session.get(StaffUser, officer.staff.id)).active is False
