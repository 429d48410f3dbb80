"""The chat side of a verified status check (bot.services.verified_lookup), for cases and complaints alike.

The form checks the lock as soon as the reference is typed, so a locked resident is asked nothing more; the
check action runs the lookup in one unit of work, waits the delay a much-failed reference earns (after the
transaction), and says a refusal the same way for every topic. The client's address is known here only by the
pseudonym the web relay put in the message's metadata (`client_key`). Nothing here logs what was typed: only
the type of a database error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import database
from bot.db.engine import unit_of_work
from bot.services.attempt_limits import Lock
from bot.services.verified_lookup import Lookup, client_key_from

logger = logging.getLogger(__name__)

Found = TypeVar("Found")


@dataclass(frozen=True)
class CheckTopic:
    """One topic's check in the chat: its name in logs, its error for a malformed detail, and its responses."""

    name: str  # "case", "complaint"
    malformed: type[Exception]  # raised when the form ended without every detail: nothing was checked
    no_match: str
    locked: str
    unavailable: str
    arguments: dict[str, Any] = field(default_factory=dict)  # what every one of its responses takes

    def say(self, dispatcher: CollectingDispatcher, response: str) -> None:
        """Utter one of the topic's responses with its arguments."""
        dispatcher.utter_message(response=response, **self.arguments)


def client_key(tracker: Tracker) -> str:
    """The pseudonym of the resident's address that the web relay sent with this message ("" if none)."""
    return client_key_from((tracker.latest_message or {}).get("metadata"))


async def reference_unless_locked(
    topic: CheckTopic,
    current_lock: Callable[..., Awaitable[Lock | None]],
    slot: str,
    reference: str,
    tracker: Tracker,
) -> dict[str, Any]:
    """The slot's normalised reference; when checks are locked, also end the form so nothing more is asked."""
    try:
        async with unit_of_work(database.sessions()) as session:
            lock = await current_lock(session, conversation_id=tracker.sender_id, client_key=client_key(tracker))
    except Exception as exc:
        if not database.unavailable(exc):
            raise
        logger.error("%s lock check failed: %s", topic.name, type(exc).__name__)  # the message could quote parameters
        lock = None  # the check action tries the database again and says sorry if it is still down
    if lock is not None:
        # Ask for nothing more: the check action refuses (and audits) without taking the other details.
        return {slot: reference, "requested_slot": None}
    return {slot: reference}


async def run_check(
    dispatcher: CollectingDispatcher,
    topic: CheckTopic,
    check_status: Callable[..., Awaitable[Lookup[Found]]],
    tracker: Tracker,
    **typed: Any,
) -> Found | None:
    """check_status(session, **typed) in one unit of work, saying any refusal; what to tell on a match, else None."""
    try:
        async with unit_of_work(database.sessions()) as session:
            lookup = await check_status(
                session, conversation_id=tracker.sender_id, client_key=client_key(tracker), **typed
            )
    except topic.malformed:
        topic.say(dispatcher, topic.no_match)
        return None
    except Exception as exc:
        if not database.unavailable(exc):
            raise
        logger.error("%s status check failed: %s", topic.name, type(exc).__name__)  # the message could quote parameters
        topic.say(dispatcher, topic.unavailable)
        return None
    if lookup.delay:
        await asyncio.sleep(lookup.delay)  # the same wait for a right and a wrong answer; the action server stays free
    if lookup.outcome == "locked":
        topic.say(dispatcher, topic.locked)
        return None
    if lookup.outcome == "no_match" or lookup.found is None:
        topic.say(dispatcher, topic.no_match)
        if lookup.lock is not None:
            topic.say(dispatcher, topic.locked)
        return None
    return lookup.found
