"""Bad input from signed-in staff: ids, addresses, forms and JSON the database cannot take get a 4xx, never a 500."""

import pytest

from bot.db.engine import unit_of_work
from bot.services.complaints import tickets as complaint_tickets
from bot.services.complaints.details import ComplaintDetails
from bot.web.staff.pages import ERROR_TITLES

# "²" and "٣" pass str.isdigit() but int() refuses them; "%C2%B2" is "²" in a URL.
ODD_DIGITS = ["%C2%B2", "%D9%A3", "1%C2%B2"]


@pytest.mark.parametrize("raw", ODD_DIGITS)
@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("supervisor", "get", "/staff/accounts/{}"),
        ("officer", "get", "/staff/lost-property/{}"),
        ("officer", "post", "/staff/alerts/{}/close"),
    ],
)
async def test_a_page_id_of_other_digits_is_not_found(login_as, role, method, path, raw):
    client = await login_as(role)
    response = await _request_id(client, method, path.format(raw))
    assert response.status == 404


async def _request_id(client, method, url):
    """GET the page, or POST its form (with whatever fields the form may read), for an id in the URL."""
    if method == "post":
        form = {"status": "closed", "password": "a new long password", "confirm": "a new long password"}
        return await client.post_form(url, form)
    return await client.get(url, allow_redirects=False)


@pytest.mark.parametrize("raw", ODD_DIGITS)
async def test_an_api_token_id_of_other_digits_is_not_found(api_token, staff_client, raw):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    response = await client.delete(f"/api/staff/tokens/{raw}", headers=headers)
    assert response.status == 404
    assert (await response.json())["error"]["status"] == 404


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=xyz"])
@pytest.mark.parametrize(
    "path", ["/staff/privacy/export", "/staff/privacy/erase", "/staff/accounts/{id}/reset-password"]
)
async def test_a_form_that_cannot_be_read_is_a_400(login_as, sessions, content_type, path):
    # The CSRF token in the header, so the handler is the first to read the broken body.
    client = await login_as("supervisor")
    headers = {"X-CSRF-Token": client.csrf_token, "Content-Type": content_type}
    response = await client.post(path.format(id=client.staff.id), data=b"garbage", headers=headers,
                                 allow_redirects=False)
    assert response.status == 400


# --- ids beyond the database's integers, and control characters (PostgreSQL answered these with a 500) -----------

TOO_BIG = ["99999999999", "2147483648"]  # ids are Integer columns: PostgreSQL refuses anything above 2**31 - 1
SERIOUS = ComplaintDetails(
    complainant_role="affected", name="Sam Taylor", email="sam@example.com", wants_recorded=True,
    narrative="PC 4521 punched me and I ended up in hospital with a broken nose.",
)


@pytest.fixture
async def reference(sessions):
    """A ticket's reference."""
    async with unit_of_work(sessions) as session:
        complaint, _ = await complaint_tickets.create(session, SERIOUS, sender_id="sender-bad-input", key="bad-input")
        return complaint.reference


async def notes(sessions, reference):
    async with unit_of_work(sessions) as session:
        return [note.text for note in (await complaint_tickets.get(session, reference)).notes]


async def html_error(response, status: int) -> None:
    """The dashboard's one error shape: its friendly HTML error page, with the status."""
    assert response.status == status, await response.text()
    assert response.content_type == "text/html"
    assert ERROR_TITLES[status] in await response.text()


async def json_error(response, status: int) -> dict:
    """The API's one error shape: {"error": {"status", "code", "message"}}."""
    assert response.status == status, await response.text()
    error = (await response.json())["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


@pytest.mark.parametrize("raw", TOO_BIG)
@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("supervisor", "get", "/staff/accounts/{}"),
        ("supervisor", "post", "/staff/accounts/{}/disable"),
        ("supervisor", "post", "/staff/accounts/{}/reset-password"),
        ("supervisor", "post", "/staff/accounts/{self}/tokens/{}/revoke"),
        ("officer", "get", "/staff/lost-property/{}"),
        ("officer", "post", "/staff/lost-property/{}/status"),
        ("officer", "post", "/staff/alerts/{}/close"),
        ("officer", "post", "/staff/tokens/{}/revoke"),
    ],
)
async def test_a_page_id_beyond_the_database_is_not_found(login_as, role, method, path, raw):
    client = await login_as(role)
    await html_error(await _request_id(client, method, path.format(raw, self=client.staff.id)), 404)


@pytest.mark.parametrize("raw", TOO_BIG)
async def test_an_api_token_id_beyond_the_database_is_not_found(api_token, staff_client, raw):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('supervisor')}"}
    await json_error(await client.delete(f"/api/staff/tokens/{raw}", headers=headers), 404)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/staff/tickets?q=a%00", 400),
        ("/staff/tickets?status=all&q%00=a", 400),
        ("/staff/tickets.csv?q=%00", 400),
        ("/staff/tickets/CRT%00", 404),
        ("/staff/tickets/{reference}%00", 404),
        ("/staff/lost-property?status=open%00", 400),
        ("/staff/audit?action=%00", 400),
    ],
)
async def test_a_page_address_with_control_characters_is_refused(login_as, reference, path, status):
    client = await login_as("supervisor")
    await html_error(await client.get(path.format(reference=reference), allow_redirects=False), status)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/tickets?q=a%00", 400),
        ("/api/tickets/CRT%00", 404),
        ("/api/tickets/{reference}%00", 404),
        ("/api/staff/tokens?x=%00", 400),
    ],
)
async def test_an_api_address_with_control_characters_is_refused(api_token, staff_client, reference, path, status):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    await json_error(await client.get(path.format(reference=reference), headers=headers), status)


async def test_the_address_is_checked_only_for_signed_in_callers(staff_client):
    client = await staff_client()
    page = await client.get("/staff/tickets?q=a%00", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"].startswith("/staff/login?next=")
    assert (await client.get("/api/tickets?q=a%00")).status == 401


@pytest.mark.parametrize(
    ("role", "path", "form"),
    [
        ("officer", "/staff/tickets/{reference}/notes", {"note": "Rang back.\x00"}),
        ("officer", "/staff/tickets/{reference}/status", {"status": "acknowledged\x00"}),
        ("officer", "/staff/lost-property/1/status", {"status": "closed", "item_reference": "LP\x00"}),
        ("supervisor", "/staff/privacy/export", {"contact": "a\x00@b.com", "confirm": "yes"}),
        ("supervisor", "/staff/privacy/erase", {"contact": "a\x00@b.com", "confirm": "yes"}),
        ("supervisor", "/staff/accounts/{self}/reset-password", {"password": "long enough\x00 password",
                                                                 "confirm": "long enough\x00 password"}),
    ],
)
async def test_a_form_with_control_characters_is_a_400(login_as, sessions, reference, role, path, form):
    client = await login_as(role)
    url = path.format(reference=reference, self=client.staff.id)
    await html_error(await client.post_form(url, form), 400)
    # The same with the CSRF token in the header, so the handler is the first to read the form.
    headers = {"X-CSRF-Token": client.csrf_token}
    await html_error(await client.post(url, data=form, headers=headers, allow_redirects=False), 400)
    assert await notes(sessions, reference) == []


async def test_a_form_field_name_with_control_characters_is_a_400(login_as, sessions, reference):
    client = await login_as("officer")
    raw = f"csrf_token={client.csrf_token}&note=fine&other%00=x".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post(f"/staff/tickets/{reference}/notes", data=raw, headers=headers, allow_redirects=False)
    await html_error(response, 400)
    assert await notes(sessions, reference) == []


@pytest.mark.parametrize("text", ["Rang back.\r\n\tNo answer.", "Pasted from Word:\x0bline two\x0cpage two"])
async def test_other_control_characters_are_still_text_in_a_note(login_as, sessions, reference, text):
    client = await login_as("officer")
    response = await client.post_form(f"/staff/tickets/{reference}/notes", {"note": text})
    assert response.status == 303
    assert await notes(sessions, reference) == [text]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"note": "x\\u0000y"}',
        b'{"note": "\\ud800"}',  # a lone surrogate, which PostgreSQL cannot store either
        b'{"note\\u0000": "x"}',
        b'{"status": "closed\\u0000"}',
        b'{"assigned_to": "1\\u0000"}',
    ],
)
async def test_api_json_with_control_characters_is_a_400(api_token, staff_client, sessions, reference, raw):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('supervisor')}", "Content-Type": "application/json"}
    response = await client.patch(f"/api/tickets/{reference}", data=raw, headers=headers)
    assert (await json_error(response, 400))["code"] == "invalid_json"
    assert await notes(sessions, reference) == []


async def test_api_json_keeps_tabs_and_newlines(api_token, staff_client, sessions, reference):
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    response = await client.patch(f"/api/tickets/{reference}", json={"note": "Rang.\n\tNo answer."}, headers=headers)
    assert response.status == 200, await response.text()
    assert await notes(sessions, reference) == ["Rang.\n\tNo answer."]


@pytest.mark.parametrize("assignee", [99999999999, "99999999999", 2**31, -(2**31) - 1])
async def test_an_assignee_beyond_the_database_is_unknown(api_token, login_as, staff_client, reference, assignee):
    # Needs workflow.assignee_id to refuse what is no possible staff id (see the fix's report).
    client = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('supervisor')}"}
    response = await client.patch(f"/api/tickets/{reference}", json={"assigned_to": assignee}, headers=headers)
    assert (await json_error(response, 400))["code"] == "invalid_assignee"
    page = await login_as("supervisor")
    response = await page.post_form(f"/staff/tickets/{reference}/assign", {"assignee": str(assignee)})
    assert response.status == 400 and "Choose a member of the team." in await response.text()
