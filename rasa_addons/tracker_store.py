"""RedactingTrackerStore: Rasa's conversations in SQL, redacted as they are stored, incremental and cached.

Configured in endpoints.yml (`type: rasa_addons.tracker_store.RedactingTrackerStore`). What it does that
Rasa's SQLTrackerStore does not:
- stores each event as rasa_addons.stored_events says (placeholders, redaction, form values removed once
  they are replaced or cleared, or when a new session starts);
- refuses to store anything for a forgotten conversation, checked in the same transaction as its insert
  and serialised with the forget (rasa_addons.tracker_tables.conversation_transaction);
- knows what it has stored (the tracker it handed out says how many of its events came from the database)
  instead of counting rows, so rows rewritten or deleted elsewhere are never inserted again;
- loads only the current session, does its database work in a thread (never on Rasa's event loop), and
  keeps recent conversations in memory, each checked against the database's version in one indexed read
  before use (several Rasa replicas may share the database). Every turn is committed before Rasa answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Connection

from rasa_addons import stored_events
from rasa_addons import tracker_tables as tables
from rasa_addons.forgetting import sender_hash
from rasa_addons.form_answers import echo_templates
from rasa_addons.tracker_cache import Cached, TrackerCache
from rasa_addons.tracker_plan import Plan, event_from, plan_save, public_strings

logger = logging.getLogger(__name__)

LOADED = "_redacting_store_loaded"  # set on each tracker handed out: what of it is stored
SAVE_ATTEMPTS = 5  # 0.25 + 0.5 + 1 + 2 s between them: a restarted PostgreSQL is back within that in the drills
FIRST_RETRY_SECONDS = 0.25


def _connection_failed(exc: sa.exc.DBAPIError) -> bool:
    """Whether the error says the connection failed (worth another try), not that the statement was wrong."""
    return bool(exc.connection_invalidated) or isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError))


@dataclass
class Loaded:
    """What of a tracker handed out is stored: its first `count` events, with their row ids."""

    version: int | None  # tracker_senders.version when it was read (None: the conversation had no row)
    count: int
    ids: list[int]


class RedactingTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Conversations in SQL, redacted at storage, incremental, off the event loop, cached (see the module)."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        url: str | None = None,
        cache_size: int = 500,
        cache_seconds: float = 600.0,
        **kwargs: Any,
    ) -> None:
        self.engine = tables.create_engine(str(url or host))
        tables.create_tables(self.engine)
        self.cache = TrackerCache(int(cache_size), float(cache_seconds))
        super().__init__(domain, event_broker, **kwargs)
        self.domain = self._domain  # what the store needs of its responses (the setter)

    @property
    def domain(self) -> Domain:
        """The domain (its slots rebuild trackers; its responses say which numbers are public, which repeat answers)."""
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        self._keep = public_strings(self._domain)
        self._echoes = echo_templates(self._domain.responses)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's current session (None if nothing is stored)."""
        return await asyncio.to_thread(self._retrieve, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every stored session of the conversation."""
        return await asyncio.to_thread(self._retrieve, conversation_id, True)

    async def keys(self) -> Iterable[str]:
        """Every conversation with stored events."""

        def read() -> list[str]:
            with self.engine.connect() as connection:
                return list(connection.execute(sa.select(tables.EVENTS.c.sender_id).distinct()).scalars())

        return await asyncio.to_thread(read)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events (redacted) in one transaction, unless the conversation was forgotten.

        A connection that fails before the commit (a database restart) is tried again, a few times over about
        four seconds: otherwise Rasa would keep the turn in memory only, and the conversation would lose it.
        """
        await self.stream_events(tracker)
        delay = FIRST_RETRY_SECONDS
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                await asyncio.to_thread(self._save, tracker)
                return
            except tables.HeadGone:
                if attempt == SAVE_ATTEMPTS:
                    raise
            except sa.exc.DBAPIError as exc:  # not CommitUnknown: a commit that may have happened is not redone
                # SQLite has no connection to lose, and its busy timeout has already waited for the lock.
                if attempt == SAVE_ATTEMPTS or self.engine.dialect.name == "sqlite" or not _connection_failed(exc):
                    raise
                # The type only: a database error's text can quote the statement.
                logger.warning("tracker store: database unavailable (%s); retry %d of %d in %.2f s",
                               type(exc.orig).__name__, attempt, SAVE_ATTEMPTS - 1, delay)  # fmt: skip
                await asyncio.sleep(delay)
                delay *= 2

    # Reading

    def _retrieve(self, sender_id: str, full: bool) -> DialogueStateTracker | None:
        with self.engine.connect() as connection:
            columns = (tables.SENDERS.c.version, tables.SENDERS.c.session_start_id)
            head = connection.execute(sa.select(*columns).where(tables.SENDERS.c.sender_id == sender_id)).first()
            cached = None if full or head is None else self.cache.get(sender_id, head.version)
            if cached is not None:
                events, ids = list(cached.events), list(cached.ids)
            else:
                start = 0 if full else head.session_start_id if head else self._legacy_start(connection, sender_id)
                events, ids = self._load(connection, sender_id, start)
                if head is not None and not full:
                    self.cache.put(sender_id, Cached(head.version, list(events), list(ids)))
        if not events:
            return None
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        setattr(tracker, LOADED, Loaded(head.version if head else None, len(events), ids))
        return tracker

    @staticmethod
    def _load(connection: Connection, sender_id: str, start: int) -> tuple[list[Event], list[int]]:
        mine = (tables.EVENTS.c.sender_id == sender_id, tables.EVENTS.c.id >= start)
        query = sa.select(tables.EVENTS.c.id, tables.EVENTS.c.data).where(*mine).order_by(tables.EVENTS.c.id)
        events, ids = [], []
        for row_id, data in connection.execute(query):
            event = event_from(json.loads(data or "{}"))
            if event is not None:
                events.append(event)
                ids.append(row_id)
        return events, ids

    @staticmethod
    def _legacy_start(connection: Connection, sender_id: str) -> int:
        """Where the current session starts in rows stored before this store (by Rasa's own store)."""
        query = sa.select(sa.func.max(tables.EVENTS.c.id)).where(
            tables.EVENTS.c.sender_id == sender_id, tables.EVENTS.c.type_name == "session_started"
        )
        return int(connection.execute(query).scalar() or 0)

    # Writing

    def _save(self, tracker: DialogueStateTracker) -> None:
        sender_id, events = tracker.sender_id, list(tracker.events)
        loaded: Loaded | None = getattr(tracker, LOADED, None)
        with tables.conversation_transaction(self.engine, sender_id) as connection:
            state = connection.execute(self._state_query(sender_id)).one()
            if state.forgotten:
                self.cache.pop(sender_id)
                logger.info("Not storing a conversation that was forgotten.")
                return
            head = state if state.version is not None else None
            # Another writer stored this conversation after the tracker was read (a replica whose lock ticket
            # lapsed, the form sweep): its events stay, this turn's follow them, and the count is taken again.
            changed = loaded is not None and head is not None and loaded.version != head.version
            if changed:
                logger.warning("tracker store: a conversation changed after it was read; this turn follows the other")
            if loaded is None:  # a tracker we did not hand out: what is stored is what the database says
                start = self._stored_count(connection, sender_id, head)
                old_ids: list[int] = []
            else:
                start, old_ids = loaded.count, loaded.ids
                if head is None and loaded.version is not None:
                    old_ids = []  # removed meanwhile (retention, erasure): never written back, only the new events
            plan = plan_save(events, start, self._keep, self._echoes)
            new_ids = self._insert(connection, sender_id, plan.new)
            ids = [*old_ids, *new_ids] if len(old_ids) == start else [*([0] * start), *new_ids]
            for index in sorted(plan.removed):
                if ids[index]:
                    data = json.dumps(stored_events.without_value(events[index].as_dict()))
                    connection.execute(
                        tables.EVENTS.update().where(tables.EVENTS.c.id == ids[index]).values(data=data)
                    )
            version = self._write_head(connection, sender_id, head, plan, ids, len(events), recount=changed)
        if plan.removed:
            tables.checkpoint(self.engine)
        # A tracker that missed another writer's events is not what is stored: it must never be served as that.
        self._remember(sender_id, version, events, start, plan, ids, known=loaded is not None and not changed)
        # What of this tracker is stored now: saved again (Rasa saves a new conversation's tracker when it creates
        # it and again after the turn), only the events added since are written.
        setattr(tracker, LOADED, Loaded(version, len(events), ids))

    @staticmethod
    def _stored_count(connection: Connection, sender_id: str, head: Any) -> int:
        if head is not None:
            return int(head.stored)
        start = RedactingTrackerStore._legacy_start(connection, sender_id)
        query = sa.select(sa.func.count()).where(tables.EVENTS.c.sender_id == sender_id, tables.EVENTS.c.id >= start)
        return int(connection.execute(query).scalar() or 0)

    @staticmethod
    def _state_query(sender_id: str) -> sa.sql.Select:
        """One row, one round trip: whether the conversation was forgotten, and what the store has of it."""
        forgotten = sa.exists().where(tables.FORGOTTEN.c.sender_hash == sender_hash(sender_id))
        one = sa.select(sa.literal(1).label("one")).subquery()
        mine = tables.SENDERS.c.sender_id == sender_id
        return sa.select(forgotten.label("forgotten"), tables.SENDERS).select_from(one.outerjoin(tables.SENDERS, mine))

    @staticmethod
    def _insert(connection: Connection, sender_id: str, events: list[dict[str, Any]]) -> list[int]:
        """Insert the events in order; returns their row ids (one statement on PostgreSQL)."""
        rows = [
            {
                "sender_id": sender_id,
                "type_name": data.get("event"),
                "timestamp": data.get("timestamp"),
                "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            }
            for data in events
        ]
        if not rows:
            return []
        if connection.dialect.name == "postgresql":
            # Ids come from the sequence in the order of the VALUES: sorted, they are the rows' ids in order.
            inserted = connection.execute(tables.EVENTS.insert().values(rows).returning(tables.EVENTS.c.id))
            return sorted(int(row_id) for row_id in inserted.scalars())
        return [int(connection.execute(tables.EVENTS.insert().values(row)).inserted_primary_key[0]) for row in rows]

    @staticmethod
    def _write_head(
        connection: Connection, sender_id: str, head: Any, plan: Plan, ids: list[int], total: int, recount: bool
    ) -> int:
        """Record what is now stored (where the session starts, how many events) and give it a new version."""
        first = ids[plan.session_index] if plan.session_index < len(ids) else 0
        if not first:  # the session started before this store's rows (or they were removed meanwhile)
            first = head.session_start_id if head is not None else min((i for i in ids if i), default=0)
        stored = total - plan.session_index
        if recount:  # the tracker missed another writer's events: a session it started counts, and what is stored
            first = max(first, head.session_start_id)
            rows = sa.select(sa.func.count()).where(tables.EVENTS.c.sender_id == sender_id, tables.EVENTS.c.id >= first)
            stored = int(connection.execute(rows).scalar() or 0)
        values = {
            "session_start_id": first,
            "stored": stored,
            "form_values": plan.form_values,
            "updated_at": time.time(),
        }
        if head is None:
            connection.execute(tables.SENDERS.insert().values(sender_id=sender_id, version=1, **values))
            return 1
        mine = tables.SENDERS.c.sender_id == sender_id
        updated = connection.execute(tables.SENDERS.update().where(mine).values(version=head.version + 1, **values))
        if not updated.rowcount:
            raise tables.HeadGone()  # done again, it finds the row gone and writes only this turn's events
        return int(head.version) + 1

    # The cache

    def _remember(
        self, sender_id: str, version: int, events: list[Event], start: int, plan: Plan, ids: list[int], known: bool
    ) -> None:
        """Cache the current session as it is now stored (the handed-out tracker's events are the stored ones)."""
        if not known or not all(ids):
            self.cache.pop(sender_id)
            return
        stored: list[Event] = []
        for index, event in enumerate(events):
            if index >= start:
                event = event_from(plan.new[index - start])
            elif index in plan.removed:
                event = event_from(stored_events.without_value(event.as_dict()))
            stored.append(event)
        first = plan.session_index
        self.cache.put(sender_id, Cached(version, stored[first:], ids[first:]))
