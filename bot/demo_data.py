"""Demo data for a fresh database: each topic adds a loader to LOADERS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.cases_demo import load_demo_cases

# A loader adds its topic's demo rows when its tables are empty and returns how many it added;
# it must not commit (the caller owns the transaction).
DemoLoader = Callable[[AsyncSession], Awaitable[int]]

LOADERS: dict[str, DemoLoader] = {
    "cases": load_demo_cases,
}


async def load_all(session: AsyncSession) -> dict[str, int]:
    """Run every topic's loader in the caller's transaction; returns rows added per topic."""
    return {topic: await loader(session) for topic, loader in LOADERS.items()}
