"""A member's own API tokens: listed (never the token), revoked by their owner or a supervisor; expired ones refused."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry, StaffApiToken
from bot.services import clock
from bot.services.staff import sessions as staff_sessions


async def first_token_id(client, token):
    return (await (await client.get("/api/staff/tokens", headers=bearer(token))).json())["tokens"][0]["id"]


async def tokens_of(sessions, staff_id):
    async with unit_of_work(sessions) as session:
        return await staff_sessions.api_tokens(session, staff_id)


async def new_token(sessions, user):
    async with unit_of_work(sessions) as session:
        return await staff_sessions.create_api_token(session, user, clock.now(), actor="test")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


async def test_the_tokens_page_lists_dates_and_revokes_your_own(login_as, sessions, staff_client):
    officer = await login_as("officer")
    token = await new_token(sessions, officer.staff)
    page = await officer.get("/staff/tokens")
    html = await page.text()
    assert page.status == 200 and token not in html and "Can be used" in html and "Never" in html
    assert "<script" not in html
    [row] = await tokens_of(sessions, officer.staff.id)
    response = await officer.post_form(f"/staff/tokens/{row.id}/revoke")
    assert response.status == 303 and response.headers["Location"] == "/staff/tokens?revoked=1"
    assert "The API token is revoked." in await (await officer.get(response.headers["Location"])).text()
    assert (await (await staff_client()).get("/api/staff/me", headers=bearer(token))).status == 401


async def test_you_cannot_revoke_someone_elses_token_from_your_page(login_as, sessions):
    officer, colleague = await login_as("officer"), await login_as("officer")
    token = await new_token(sessions, colleague.staff)
    [row] = await tokens_of(sessions, colleague.staff.id)
    assert (await officer.post_form(f"/staff/tokens/{row.id}/revoke")).status == 404
    assert (await officer.post(f"/staff/tokens/{row.id}/revoke", allow_redirects=False)).status == 403  # no CSRF
    assert staff_sessions.token_state((await tokens_of(sessions, colleague.staff.id))[0], clock.now()) == "live"
    assert token


async def test_the_api_lists_your_tokens_without_the_secret(api_token, sessions, staff_client):
    token = await api_token("officer")
    client = await staff_client()
    response = await client.get("/api/staff/tokens", headers=bearer(token))
    assert response.status == 200
    body = await response.json()
    [listed] = body["tokens"]
    assert set(listed) == {"id", "created_at", "last_used_at", "expires_at", "state"}
    assert listed["state"] == "live" and token not in await response.text()


async def test_a_token_can_revoke_itself_but_not_a_colleagues(api_token, sessions, staff_client):
    mine, theirs = await api_token("officer"), await api_token("officer")
    client = await staff_client()
    theirs_id, mine_id = await first_token_id(client, theirs), await first_token_id(client, mine)
    refused = await client.delete(f"/api/staff/tokens/{theirs_id}", headers=bearer(mine))
    assert refused.status == 404 and (await refused.json())["error"]["code"] == "not_found"
    assert (await client.delete(f"/api/staff/tokens/{mine_id}", headers=bearer(mine))).status == 204
    assert (await client.get("/api/staff/me", headers=bearer(mine))).status == 401
    assert (await client.get("/api/staff/me", headers=bearer(theirs))).status == 200


async def test_a_supervisors_token_can_revoke_anyones(api_token, staff_client, sessions):
    officer_token, supervisor_token = await api_token("officer"), await api_token("supervisor")
    client = await staff_client()
    officer_id = await first_token_id(client, officer_token)
    assert (await client.delete(f"/api/staff/tokens/{officer_id}", headers=bearer(supervisor_token))).status == 204
    assert (await client.get("/api/staff/me", headers=bearer(officer_token))).status == 401
    async with unit_of_work(sessions) as session:
        [entry] = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.token_revoked"))).all()
    assert entry.details == {"token_id": officer_id}


async def test_an_expired_token_is_refused(api_token, sessions, staff_client):
    token = await api_token("officer")
    client = await staff_client()
    assert (await client.get("/api/staff/me", headers=bearer(token))).status == 200
    async with unit_of_work(sessions) as session:
        await session.execute(update(StaffApiToken).values(expires_at=clock.now() - timedelta(seconds=1)))
    response = await client.get("/api/staff/me", headers=bearer(token))
    assert response.status == 401 and (await response.json())["error"]["code"] == "unauthorized"
