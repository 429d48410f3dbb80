"""Fixtures of the staff services' tests: cheap Argon2 and an officer account."""

import pytest
from argon2 import PasswordHasher

from bot.services.staff import accounts as staff
from bot.services.staff import passwords

PASSWORD = "a long enough test password"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2 at its cheapest: production parameters take about a second per hash on a busy test machine."""
    monkeypatch.setattr(passwords, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
async def officer(session):
    return await staff.add(session, "officer@herts-pcc.example", "officer", PASSWORD)
