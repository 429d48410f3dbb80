"""A refused password reset: the field in error says what is wrong, and screen readers hear it with the field."""

import re


async def test_the_password_field_carries_its_error(login_as):
    supervisor = await login_as("supervisor")
    officer = await login_as("officer")
    response = await supervisor.post_form(f"/staff/accounts/{officer.staff.id}/reset-password",
                                          {"password": "a long new password", "confirm": "something else"})
    assert response.status == 400
    html = await response.text()
    assert re.search(r'<p id="password-error" class="govuk-error-message">.*?The two passwords are different', html,
                     re.S)  # fmt: skip
    assert re.search(r'id="password"[^>]*aria-describedby="password-hint password-error"', html)
