"""Fixtures shared by the action tests."""

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from actions import database
from bot.db.engine import create_engine, create_sessionmaker
from bot.settings import Settings
from bot.stack import free_port


@pytest.fixture
async def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """The actions' database is a PostgreSQL server that refuses connections (restarting, or gone)."""
    # asyncpg raises the refusal raw (ConnectionRefusedError), not wrapped as SQLAlchemy's errors.
    settings = replace(Settings(), database_url=f"postgresql+asyncpg://bot@127.0.0.1:{free_port()}/bot")
    engine = create_engine(settings)
    monkeypatch.setattr(database, "sessions", lambda: create_sessionmaker(engine))
    yield
    await engine.dispose()
