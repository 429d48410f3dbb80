"""Fixtures for dashboard and staff API tests, for every page built on the dashboard.

All of them use the migrated test database of `settings` (SQLite, and PostgreSQL when configured) and the
real app factory, with `secure_cookies=False` because aiohttp's test client keeps Secure cookies off http.

- `make_staff(role="officer", email=None, password=PASSWORD, active=True) -> StaffUser` (async): an account.
- `staff_client() -> StaffTestClient` (async): a new anonymous client (not signed in).
- `login_as(role="officer", email=None) -> StaffTestClient` (async): a client signed in through the real
  sign-in form, as a new account of that role (or the given address). Its extras:
  `client.staff` (the StaffUser), `client.csrf_token` (the session's token),
  `await client.post_form(path, data)` (posts a form with the CSRF token added, no redirect following).
- `api_token(role="officer", email=None) -> str` (async): a bearer token of a new account; send it as
  `headers={"Authorization": f"Bearer {token}"}`.
- `fast_password_hashing` (autouse): cheap Argon2 parameters, so each sign-in takes milliseconds, not a second.

Put tests that use these in tests/web/staff/ (pytest only shares a conftest's fixtures with its folder).

Example::

    async def test_officer_sees_the_queue(login_as):
        client = await login_as("officer")
        response = await client.get("/staff/tickets")
        assert response.status == 200
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import unit_of_work
from bot.db.models import StaffUser
from bot.services import clock
from bot.services.staff import accounts as staff
from bot.services.staff import passwords
from bot.services.staff import sessions as staff_sessions
from bot.settings import Settings
from bot.web.app import create_app

PASSWORD = "a long enough test password"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_ERROR_SUMMARY_LINK = re.compile(r'class="govuk-error-summary".*?<a href="#([^"]+)">([^<]*)</a>', re.S)
_numbers = itertools.count(1)


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF_FIELD.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def error_summary_link(html: str) -> tuple[str, str]:
    """The field id and the text of the page's error summary link (GOV.UK pattern)."""
    match = _ERROR_SUMMARY_LINK.search(html)
    assert match, "no error summary on the page"
    field, text = match.groups()
    assert f'id="{field}"' in html, f"the error summary links to #{field}, which is not on the page"
    return field, text


class StaffTestClient(TestClient):
    """A TestClient that knows its staff account and CSRF token."""

    staff: StaffUser | None = None
    csrf_token: str = ""

    async def post_form(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> ClientResponse:
        """POST a form with the session's CSRF token added; redirects are not followed."""
        form = {"csrf_token": self.csrf_token, **(data or {})}
        return await self.post(path, data=form, allow_redirects=False, **kwargs)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest: production parameters take about a second per hash on a busy test machine."""
    monkeypatch.setattr(passwords, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def staff_settings(settings: Settings) -> Settings:
    """The test settings, with cookies the test client will send back over http."""
    return replace(settings, secure_cookies=False)


@pytest.fixture
def make_staff(sessions: async_sessionmaker[AsyncSession]) -> Callable[..., Awaitable[StaffUser]]:
    """Factory of staff accounts: `await make_staff(role, email=None, password=PASSWORD, active=True)`."""

    async def make(role: str = "officer", email: str | None = None, password: str = PASSWORD,
                   active: bool = True) -> StaffUser:
        email = email or f"{role}{next(_numbers)}@herts-pcc.example"
        async with unit_of_work(sessions) as session:
            user = await staff.add(session, email, role, password)
            user.active = active
        return user

    return make


@pytest.fixture
async def staff_client(staff_settings: Settings) -> AsyncIterator[Callable[[], Awaitable[StaffTestClient]]]:
    """Factory of anonymous clients of the real app: `await staff_client()`; all closed afterwards."""
    clients: list[StaffTestClient] = []

    async def make() -> StaffTestClient:
        client = StaffTestClient(TestServer(create_app(staff_settings)))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def sign_in(client: StaffTestClient, email: str, password: str = PASSWORD,
                  next_path: str | None = None) -> ClientResponse:
    """Fill in and send the sign-in form as a browser would (redirects not followed)."""
    page = await client.get("/staff/login")
    data = {"csrf_token": csrf_from(await page.text()), "email": email, "password": password}
    if next_path is not None:
        data["next"] = next_path
    return await client.post("/staff/login", data=data, allow_redirects=False)


@pytest.fixture
def login_as(staff_client: Callable[[], Awaitable[StaffTestClient]], make_staff: Callable[..., Awaitable[StaffUser]]
             ) -> Callable[..., Awaitable[StaffTestClient]]:
    """Factory of signed-in clients: `await login_as("officer" | "supervisor", email=None)`."""

    async def login(role: str = "officer", email: str | None = None) -> StaffTestClient:
        user = await make_staff(role, email)
        client = await staff_client()
        response = await sign_in(client, user.email)
        assert response.status == 303, await response.text()
        home = await client.get("/staff", allow_redirects=False)
        assert home.status == 200, f"signed in but /staff answered {home.status}"
        client.staff = user
        client.csrf_token = csrf_from(await home.text())
        return client

    return login


@pytest.fixture
def api_token(sessions: async_sessionmaker[AsyncSession], make_staff: Callable[..., Awaitable[StaffUser]]
              ) -> Callable[..., Awaitable[str]]:
    """Factory of bearer tokens of new accounts: `await api_token("officer" | "supervisor", email=None)`."""

    async def token(role: str = "officer", email: str | None = None) -> str:
        user = await make_staff(role, email)
        async with unit_of_work(sessions) as session:
            return await staff_sessions.create_api_token(session, user, clock.now(), actor="test")

    return token
