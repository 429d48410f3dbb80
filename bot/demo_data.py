"""Demo data for a fresh database: each topic adds a loader to LOADERS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.cases.demo import load_demo_cases
from bot.services.complaints.demo import load_demo_complaints
from bot.services.lost_property.demo import load_demo_found_items

# A loader adds its topic's demo rows when its tables are empty and returns how many it added;
# it must not commit (the caller owns the transaction).
DemoLoader = Callable[[AsyncSession], Awaitable[int]]

LOADERS: dict[str, DemoLoader] = {
    "cases": load_demo_cases,
    "complaints": load_demo_complaints,
    "lost_property": load_demo_found_items,
}


async def load_all(session: AsyncSession) -> dict[str, int]:
    """Run every topic's loader in the caller's transaction; returns rows added per topic."""
    return {topic: await loader(session) for topic, loader in LOADERS.items()}
