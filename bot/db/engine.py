"""Engine and session factory; created by the app factory or the CLI, never at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.settings import Settings

T = TypeVar("T")


def create_engine(settings: Settings) -> AsyncEngine:
    """Create the async engine for the configured database."""
    url = settings.database_url
    # Statement parameters can be personal data (a crime reference, a name): keep them out of SQLAlchemy's
    # logging and out of the text of its exceptions, and silence aiosqlite, which logs them at DEBUG.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.getLogger("aiosqlite").getEffectiveLevel()))
    if url.startswith("sqlite"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        # Rasa writes to the same SQLite file; waiting beats failing with "database is locked".
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Deleted and rewritten rows are overwritten with zeros rather than left readable in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    # With WAL, NORMAL syncs at checkpoints instead of at every commit: a crash of any process loses nothing;
    # only a power cut or OS crash can roll back the last commits (production runs PostgreSQL, which fsyncs).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def checkpoint(engine: AsyncEngine) -> None:
    """SQLite: copy the write-ahead log into the database and empty it, so deleted rows leave no copy there.

    Run after deleting personal data (forgetting, retention, erasure). Nothing to do on PostgreSQL.
    """
    if engine.dialect.name != "sqlite":
        return
    async with engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


async def reclaim(engine: AsyncEngine, tables: tuple[str, ...]) -> None:
    """After deleting personal data, take the deleted rows off the disk, not only mark them dead."""
    # SQLite empties the write-ahead log (secure_delete has zeroed the rows); PostgreSQL VACUUMs the tables.
    if engine.dialect.name == "sqlite":
        await checkpoint(engine)
        return
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        existing = set(await autocommit.run_sync(lambda sync: inspect(sync).get_table_names()))
        for name in tables:
            if name in existing:
                await autocommit.exec_driver_sql(f'VACUUM "{name}"')


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: commits when the block ends, rolls back if it raises."""
    async with sessions() as session, session.begin():
        yield session


async def run_once(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one unit of work on an engine made for it and disposed afterwards (for one-off commands)."""
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            return await work(session)
    finally:
        await engine.dispose()
