"""Migrations upgrade, downgrade to nothing and upgrade again, on every backend under test."""

import asyncio

from sqlalchemy import inspect

from bot.db import migrate
from bot.db.base import RASA_TABLES, Base
from bot.db.engine import create_engine
from bot.settings import Settings


def _tables(settings: Settings) -> set[str]:
    async def read() -> set[str]:
        engine = create_engine(settings)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(blank_settings):
    migrate.upgrade(blank_settings)
    assert _tables(blank_settings) == set(Base.metadata.tables)
    migrate.downgrade(blank_settings, "base")
    assert _tables(blank_settings) == set()
    migrate.upgrade(blank_settings)
    assert _tables(blank_settings) == set(Base.metadata.tables)


def test_no_table_of_ours_clashes_with_rasa():
    assert not set(Base.metadata.tables) & RASA_TABLES


def test_migrations_match_the_models(blank_settings):
    """Autogenerate finds nothing to do after upgrading: the models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrate.upgrade(blank_settings)

    async def diff() -> list:
        engine = create_engine(blank_settings)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                    )
                )
        finally:
            await engine.dispose()

    assert asyncio.run(diff()) == []
