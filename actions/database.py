"""The action server's database session factory, made lazily on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import create_engine, create_sessionmaker
from bot.settings import Settings


@lru_cache(maxsize=1)
def sessions() -> async_sessionmaker[AsyncSession]:
    """The action server's session factory, made on first use (not at import)."""
    return create_sessionmaker(create_engine(Settings.from_env()))
