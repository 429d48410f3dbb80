"""Shared fixtures: settings on a throwaway database, migrated, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import migrate
from bot.db.engine import create_engine, create_sessionmaker
from bot.settings import Settings
from bot.stack import Stack, start_stack
from bot.training import current_model

# .ci/run sets this to a throwaway PostgreSQL server; in CI its absence is a failure, not a skip.
POSTGRES_URL = os.environ.get("BOT_TEST_POSTGRES_URL", "")


def _backends() -> list[str]:
    if POSTGRES_URL:
        return ["sqlite", "postgresql"]
    if os.environ.get("CI"):
        raise RuntimeError("CI must test PostgreSQL too: BOT_TEST_POSTGRES_URL is not set")
    return ["sqlite"]


async def _admin(sql: str) -> None:
    import asyncpg  # only needed when PostgreSQL is under test

    url = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(
        user=url.username, password=url.password, host=url.host, port=url.port, database=url.database
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _postgres_database(name: str) -> Iterator[str]:
    """Create a fresh database on the test server and drop it afterwards."""
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=_backends())
def blank_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings pointing at an empty database of each backend under test."""
    base = replace(Settings.from_env({}), var_dir=tmp_path, models_dir=tmp_path / "models")
    if request.param == "sqlite":
        yield replace(base, database_url=f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    else:
        yield from (replace(base, database_url=url) for url in _postgres_database(f"test_{uuid.uuid4().hex[:12]}"))


@pytest.fixture
def settings(blank_settings: Settings) -> Settings:
    """Settings whose database has every migration applied."""
    migrate.upgrade(blank_settings)
    return blank_settings


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An async engine on the migrated test database."""
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory on the migrated test database."""
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One session with an open transaction, rolled back after the test."""
    async with sessions() as session, session.begin():
        yield session
        await session.rollback()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real services on a throwaway SQLite database; needs the trained model (`make train`)."""
    model = current_model(Settings.from_env())
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make train` (make test does) before the stack tests")
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()
