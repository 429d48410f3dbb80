"""Forgetting a conversation (the widget's quick exit): DELETE /api/chat/{sender} or POST .../forget.

The quick exit sends its request with navigator.sendBeacon while the page is leaving, and a beacon
can only POST, hence the POST twin of the DELETE. It takes no body, whatever the content type.
"""

from __future__ import annotations

import logging
import traceback
import uuid

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import checkpoint
from bot.db.retry import is_transient
from bot.services import forgetting
from bot.web.apology import APOLOGIES, GENERAL
from bot.web.errors import INTERNAL_ERROR, ApiError
from bot.web.keys import ENGINE, FORGOTTEN, REPLAYS
from bot.web.limits import check_forget

log = logging.getLogger(__name__)

routes = web.RouteTableDef()


def parse_sender(raw: str) -> str:
    """The canonical form of a sender id from the URL, which must be a UUID."""
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise ApiError(400, "invalid_sender", "sender must be a UUID.") from exc


class ForgottenTable:
    """The durable list of forgotten senders: the `forgotten_conversations` table, for every process and restart."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def add(self, sender: str) -> None:
        """Record the sender as forgotten and delete its conversation, in one transaction under its lock."""
        try:
            async with self.sessions() as session, session.begin():
                await forgetting.forget(session, sender)
        except Exception as exc:
            if not _outage(exc):
                raise  # a bug, not an outage: the error middleware logs it
            raise _unavailable(exc) from exc

    async def contains(self, sender: str) -> bool:
        """Whether the sender was ever forgotten (by any web process, before or after a restart)."""
        try:
            async with self.sessions() as session:
                return await forgetting.is_forgotten(session, sender)
        except Exception as exc:
            if not _outage(exc):
                raise  # a bug, not an outage: the error middleware logs it
            raise _unavailable(exc) from exc


def _outage(exc: Exception) -> bool:
    # asyncpg raises its own errors, unwrapped, while connecting ("the database system is shutting down").
    return isinstance(exc, SQLAlchemyError) or is_transient(exc)


def _unavailable(exc: Exception) -> ApiError:
    """The database is down (a restart): the apology with the general numbers and 999, not a bare 500."""
    log.warning("the forgotten conversations could not be read or written (%s)", type(exc).__name__)
    return ApiError(503, "database_unavailable", APOLOGIES[GENERAL])


async def forget_conversation(app: web.Application, sender: str) -> None:
    """Record the conversation as forgotten, delete its events, and everything the shared state remembers of it."""
    await app[FORGOTTEN].add(sender)
    await app[REPLAYS].forget(sender)
    await checkpoint(app[ENGINE])


async def forget_again_if_forgotten(app: web.Application, sender: str) -> bool:
    """After a message: if the conversation was forgotten meanwhile (by any web process), delete it again.

    The tracker store refuses to store a forgotten conversation; this also covers a store that does not.
    """
    if not await app[FORGOTTEN].contains(sender):
        return False
    await forget_conversation(app, sender)
    return True


async def still_wanted(app: web.Application, sender: str) -> bool:
    """Whether a late answer may be kept for a resend: not when the conversation was forgotten meanwhile."""
    return not await forget_again_if_forgotten(app, sender)


def scrubbed_failure(what: str, exc: Exception, *secrets: str) -> ApiError:
    """A bug, logged with its traceback but without the conversation's id or words; a 500 for the client.

    The error middleware would log the path, which holds the id of a forget, and the error itself often names
    the id or the message (a lookup keyed by it): a log that keeps them would say who said what.
    """
    lines = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        lines = lines.replace(secret, "[redacted]")
    log.error("%s failed:\n%s", what, lines.rstrip("\n"))
    return ApiError(500, "internal_server_error", INTERNAL_ERROR)


@routes.delete("/api/chat/{sender}")
@routes.post("/api/chat/{sender}/forget")
async def forget(request: web.Request) -> web.StreamResponse:
    """End the conversation and delete its events; 204 even if there was nothing to delete."""
    raw = request.match_info["sender"]
    sender = parse_sender(raw)
    # Buckets of its own, checked before anything else: a resident who hit the chat limit can always leave.
    await check_forget(request, sender)
    try:
        await forget_conversation(request.app, sender)
    except (ApiError, web.HTTPException):
        raise
    except Exception as exc:
        raise scrubbed_failure("forgetting a conversation", exc, sender, raw, sender.replace("-", "")) from None
    return web.Response(status=204)
