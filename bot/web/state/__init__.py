"""The web app's shared state: one interface (`base.SharedState`), in process or in Redis (REDIS_URL)."""

from __future__ import annotations

from bot.settings import Settings
from bot.web.state.base import FORGOTTEN_TTL, REPLAY_TTL, Limit, Replies, SharedState
from bot.web.state.forgotten import DurableForgotten, ForgottenSenders, NoDurableList
from bot.web.state.memory import MemoryState

__all__ = [
    "FORGOTTEN_TTL",
    "REPLAY_TTL",
    "DurableForgotten",
    "ForgottenSenders",
    "Limit",
    "MemoryState",
    "NoDurableList",
    "Replies",
    "SharedState",
    "create_state",
]


def create_state(settings: Settings) -> SharedState:
    """The shared state these settings ask for: Redis when REDIS_URL is set, else this process's memory."""
    if settings.redis_url:
        from bot.web.state.redis_state import RedisState  # redis is imported only when it is used

        return RedisState(settings.redis_url)
    return MemoryState()
