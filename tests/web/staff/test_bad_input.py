"""Bad input from signed-in staff: ids and forms that cannot be read get a 4xx, never a 500."""

import pytest

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
    if method == "post":
        response = await client.post_form(path.format(raw))
    else:
        response = await client.get(path.format(raw), allow_redirects=False)
    assert response.status == 404


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
