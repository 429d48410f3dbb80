"""Alembic environment: async engine, our metadata, Rasa's tables left alone."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db import models  # noqa: F401  (registers the tables on the metadata)
from bot.db.base import RASA_TABLES, Base
from bot.settings import Settings

config = context.config
target_metadata = Base.metadata
if not config.get_main_option("sqlalchemy.url"):
    # Run by hand through alembic.ini: the database comes from the settings, as everywhere else.
    settings = Settings.from_env()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave Rasa's tracker tables out of autogenerate."""
    return not (type_ == "table" and name in RASA_TABLES)


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=True,  # SQLite can only ALTER by copying the table
        compare_type=True,
    )


def run_offline() -> None:
    """Emit SQL without a database."""
    _configure(url=config.get_main_option("sqlalchemy.url"))
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    """Migrate through the async engine."""
    engine = create_async_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync)
    await engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_online())
