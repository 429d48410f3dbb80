"""The complaint actions' database: the migrated test database, which the actions' session factory points at."""

import pytest

from actions import database


@pytest.fixture
def db(sessions, monkeypatch):
    """The actions' session factory points at the migrated test database."""
    monkeypatch.setattr(database, "sessions", lambda: sessions)
    return sessions
