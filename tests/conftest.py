"""Shared fixtures: settings on a throwaway database, migrated, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import migrate
from bot.db.engine import create_engine, create_sessionmaker
from bot.settings import Settings
from bot.stack import Stack, free_port, start_stack
from bot.training import current_model

# Pseudonyms are keyed: every test process and every stack it starts uses this key (fixed, so tests repeat).
os.environ.setdefault("BOT_SECRET_KEY", "test-secret-key-for-pseudonyms-not-for-production")

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


def _postgres_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False
    )


def _postgres_database(name: str, template: str | None = None) -> Iterator[str]:
    """Create a fresh database on the test server (a copy of `template`, if given) and drop it afterwards."""
    asyncio.run(_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield _postgres_url(name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class MigratedTemplates:
    """One database per backend with every migration applied, made on first use and copied for each test.

    Running the migrations takes a fifth of a second on SQLite and more on PostgreSQL; a copy takes milliseconds.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sqlite: Path | None = None
        self.postgres: str | None = None

    def sqlite_copy(self, base: Settings, target: Path) -> str:
        """A migrated SQLite file at `target`: the URL."""
        if self.sqlite is None:
            path = self.root / "template.db"
            migrate.upgrade(replace(base, database_url=f"sqlite+aiosqlite:///{path}"))
            self.sqlite = path
        # SQLite's backup copies what the write-ahead log holds too (a file copy might not).
        with closing(sqlite3.connect(self.sqlite)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return f"sqlite+aiosqlite:///{target}"

    def postgres_template(self, base: Settings) -> str:
        """The name of the migrated PostgreSQL template database (no one stays connected to it)."""
        if self.postgres is None:
            name = f"template_{uuid.uuid4().hex[:12]}"
            asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
            self.postgres = name
            migrate.upgrade(replace(base, database_url=_postgres_url(name)))
        return self.postgres

    def drop(self) -> None:
        """Drop the PostgreSQL template, if one was made."""
        if self.postgres:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{self.postgres}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    """The session's migrated databases, copied by `settings`."""
    templates = MigratedTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


def _base_settings(tmp_path: Path) -> Settings:
    return replace(Settings.from_env({}), var_dir=tmp_path, models_dir=tmp_path / "models")


@pytest.fixture(params=_backends())
def blank_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings pointing at an empty database of each backend under test."""
    base = _base_settings(tmp_path)
    if request.param == "sqlite":
        yield replace(base, database_url=f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    else:
        yield from (replace(base, database_url=url) for url in _postgres_database(f"test_{uuid.uuid4().hex[:12]}"))


@pytest.fixture(params=_backends())
def settings(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: MigratedTemplates
) -> Iterator[Settings]:
    """Settings whose database (of each backend under test) has every migration applied: a copy of the template."""
    base = _base_settings(tmp_path)
    if request.param == "sqlite":
        yield replace(base, database_url=migrated_templates.sqlite_copy(base, tmp_path / "test.db"))
    else:
        template = migrated_templates.postgres_template(base)
        for url in _postgres_database(f"test_{uuid.uuid4().hex[:12]}", template):
            yield replace(base, database_url=url)


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


def _require_model() -> None:
    model = current_model(Settings.from_env())
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make train` (make test does) before the stack tests")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real services on a throwaway SQLite database; needs the trained model (`make train`)."""
    _require_model()
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real services on a fresh PostgreSQL database of the test server (BOT_TEST_POSTGRES_URL)."""
    _require_model()
    if not POSTGRES_URL:
        pytest.fail("BOT_TEST_POSTGRES_URL is not set: the PostgreSQL stack needs a test server")
    for url in _postgres_database(f"stack_{uuid.uuid4().hex[:12]}"):
        running = start_stack(tmp_path_factory.mktemp("postgres-stack"), database_url=url)
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture(params=_backends())
def any_stack(request: pytest.FixtureRequest) -> Stack:
    """The session's stack on each backend under test (one stack per backend per session)."""
    return request.getfixturevalue("stack" if request.param == "sqlite" else "postgres_stack")


REDIS_SERVER = os.environ.get("BOT_TEST_REDIS_SERVER") or shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on loopback (Debian's package, which `make test` and .ci/run install): its URL.

    Missing is a failure, never a skip: the Redis implementation of the shared state must be tested.
    """
    if not Path(REDIS_SERVER).exists():
        pytest.fail(f"{REDIS_SERVER} is missing: install Debian's redis-server (`make redis`; make test does)")
    port = free_port()
    work = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
