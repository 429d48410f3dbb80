"""Forgotten conversations: the shared state's cache in front of the durable list.

The durable list of forgotten senders (the `forgotten_conversations` table, so that it outlives restarts and
the caches' expiry) plugs in here as a `DurableForgotten` (bot.web.forget.ForgottenTable); `NoDurableList`,
for tests of the cache alone, keeps nothing.
"""

from __future__ import annotations

from typing import Protocol

from bot.web.state.base import SharedState


class DurableForgotten(Protocol):
    """The durable list of forgotten senders."""

    async def add(self, sender: str) -> None:
        """Record the sender as forgotten, for good."""

    async def contains(self, sender: str) -> bool:
        """Whether the sender was ever forgotten."""


class NoDurableList:
    """No durable list: only the cache remembers forgotten senders."""

    async def add(self, sender: str) -> None:
        """Nothing is kept."""

    async def contains(self, sender: str) -> bool:
        """Never known here."""
        return False


class ForgottenSenders:
    """Forgotten senders: the shared cache answers most questions, the durable list the rest."""

    def __init__(self, state: SharedState, durable: DurableForgotten | None = None) -> None:
        self.state = state
        self.durable: DurableForgotten = durable or NoDurableList()

    async def add(self, sender: str) -> None:
        """Forget the sender in the durable list, then in the cache every instance reads."""
        await self.durable.add(sender)
        await self.state.forgotten_add(sender)

    async def contains(self, sender: str) -> bool:
        """Whether the sender was forgotten: the cache first, then the durable list (remembered in the cache)."""
        if await self.state.forgotten_contains(sender):
            return True
        if await self.durable.contains(sender):
            await self.state.forgotten_add(sender)
            return True
        return False
