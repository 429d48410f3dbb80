"""Retrying a unit of work when the database connection failed (a restart, a failover, a dropped connection).

Only for work that is safe to run twice, such as a complaint stored under its submission key: a commit whose
acknowledgement was lost has happened, and the retry finds its result instead of doing it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

T = TypeVar("T")
logger = logging.getLogger(__name__)


def is_transient(exc: BaseException) -> bool:
    """Whether the error says the connection failed (worth a retry), not that the work was wrong."""
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc, (OperationalError, InterfaceError))
    if isinstance(exc, (OSError, asyncio.TimeoutError)):  # refused or reset while connecting
        return True
    try:
        import asyncpg
    except ImportError:  # pragma: no cover  (asyncpg is a dependency; SQLite deployments need not have it)
        return False
    # Raised raw while connecting: "the database system is starting up / shutting down", lost connections.
    return isinstance(exc, (asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError,
                            asyncpg.InterfaceError))  # fmt: skip


async def retrying(work: Callable[[], Awaitable[T]], *, attempts: int = 5, first_delay: float = 0.25) -> T:
    """Run `work`, again after a doubling delay when the connection failed, up to `attempts` times in all."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return await work()
        except Exception as exc:
            if attempt == attempts or not is_transient(exc):
                raise
            # The type only: a database error's text can quote the statement's parameters.
            logger.warning("database unavailable (%s); retry %d of %d in %.2fs", type(exc).__name__, attempt,
                           attempts - 1, delay)  # fmt: skip
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover
