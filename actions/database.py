"""The action server's database session factory, made lazily on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import retry
from bot.db.engine import create_engine, create_sessionmaker
from bot.settings import Settings


@lru_cache(maxsize=1)
def sessions() -> async_sessionmaker[AsyncSession]:
    """The action server's session factory, made on first use (not at import)."""
    return create_sessionmaker(create_engine(Settings.from_env()))


def unavailable(exc: BaseException) -> bool:
    """Whether an error means the database could not do the work: the resident is told so, nothing crashes."""
    # A refused or lost connection comes raw from asyncpg (OSError and its own errors), not as SQLAlchemy's.
    return isinstance(exc, SQLAlchemyError) or retry.is_transient(exc)
