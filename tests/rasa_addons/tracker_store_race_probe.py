"""Runs in .venv-rasa: the daily purge deletes a conversation while a save of its next turn is under way.

    .venv-rasa/bin/python tests/rasa_addons/tracker_store_race_probe.py SQLALCHEMY_URL

The purge runs on its own connection just before the save updates the conversation's tracker_senders row,
and prints what was stored as JSON. PostgreSQL: the save holds the conversation's advisory lock, not the row,
so the purge goes through. SQLite: the save holds the database's write lock, so the purge must wait.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

from rasa_addons import tracker_tables
from rasa_addons.tracker_store import RedactingTrackerStore

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
URL = sys.argv[1]
SENDER = "purged-mid-save"


def said(text: str) -> UserUttered:
    return UserUttered(text, {"name": "inform", "confidence": 1.0})


def texts(engine: sa.engine.Engine) -> list[str]:
    with engine.connect() as connection:
        query = sa.select(tracker_tables.EVENTS.c.data).where(tracker_tables.EVENTS.c.sender_id == SENDER)
        rows = [json.loads(data) for data in connection.execute(query.order_by(tracker_tables.EVENTS.c.id)).scalars()]
    return [row.get("text") for row in rows if row["event"] == "user"]


async def main() -> None:
    store = RedactingTrackerStore(DOMAIN, URL)
    tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                  said("an old message")):  # fmt: skip
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve(SENDER)
    tracker.update(said("a new message"))
    # The purge's own connection; on SQLite it gives up at once rather than wait for the save's write lock.
    purge = sa.create_engine(URL, connect_args={"timeout": 0.2} if URL.startswith("sqlite") else {})
    outcome: dict[str, Any] = {}

    def purge_now(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if outcome or not statement.lstrip().upper().startswith("UPDATE TRACKER_SENDERS"):
            return
        try:
            with purge.begin() as connection:
                mine = tracker_tables.EVENTS.c.sender_id == SENDER
                connection.execute(tracker_tables.EVENTS.delete().where(mine))
                connection.execute(tracker_tables.SENDERS.delete().where(tracker_tables.SENDERS.c.sender_id == SENDER))
            outcome["purged"] = True
        except sa.exc.OperationalError:  # SQLite: "database is locked"
            outcome["purged"] = False

    sa.event.listen(store.engine, "before_cursor_execute", purge_now)
    await store.save(tracker)
    sa.event.remove(store.engine, "before_cursor_execute", purge_now)
    with store.engine.connect() as connection:
        head = connection.execute(
            sa.select(tracker_tables.SENDERS.c.version).where(tracker_tables.SENDERS.c.sender_id == SENDER)
        ).scalar()
    loaded = await RedactingTrackerStore(DOMAIN, URL).retrieve(SENDER)
    print(json.dumps({
        **outcome, "dialect": store.engine.dialect.name, "stored": texts(store.engine), "head": head,
        "loaded": [e.text for e in loaded.events if isinstance(e, UserUttered)] if loaded else None,
    }))  # fmt: skip


asyncio.run(main())
