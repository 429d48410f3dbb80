"""Runs the tracker store in .venv-rasa (where Rasa is) and prints what it observed as JSON, for test_tracker_store.

    .venv-rasa/bin/python tests/rasa_addons/tracker_store_probe.py SQLALCHEMY_URL

The database must have our migrations applied (the forgotten table). Each scenario uses its own conversation.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from rasa_addons import tracker_tables
from rasa_addons.forgetting import sender_hash
from rasa_addons.tracker_store import RedactingTrackerStore

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
URL = sys.argv[1]
NOW = datetime.now(timezone.utc)


def rows(store: RedactingTrackerStore, sender: str) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        query = sa.select(tracker_tables.EVENTS.c.data).where(tracker_tables.EVENTS.c.sender_id == sender)
        return [json.loads(data) for data in connection.execute(query.order_by(tracker_tables.EVENTS.c.id)).scalars()]


def start(tracker: Any) -> None:
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))


def said(text: str, intent: str = "inform", metadata: dict[str, Any] | None = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, [], metadata=metadata)


async def turn(store: RedactingTrackerStore, sender: str, *events: Any) -> Any:
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    if not tracker.events:
        start(tracker)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    return tracker


async def form_values(store: RedactingTrackerStore) -> dict[str, Any]:
    sender = "form-values"
    await turn(store, sender, said("I want to complain", "start_complaint"), ActiveLoop("complaint_form"),
               SlotSet("requested_slot", "complaint_name"), BotUttered("What's your name?"))
    await turn(store, sender, ActionExecuted("action_listen"), said("Zebedee Quux"),
               SlotSet("complaint_name", "Zebedee Quux"), SlotSet("requested_slot", "complaint_narrative"))
    await turn(store, sender, ActionExecuted("action_listen"), said("PC Smith shouted at me, call 07700 900123"),
               SlotSet("complaint_narrative", "PC Smith shouted at me, call 07700 900123"),
               BotUttered("- Your name: Zebedee Quux\n- What happened: PC Smith shouted at me, call 07700 900123"))
    during = rows(store, sender)
    live = await store.retrieve(sender)
    kept_for_the_form = live.get_slot("complaint_name")
    await turn(store, sender, ActionExecuted("action_listen"), said("/stop", "stop"), ActiveLoop(None),
               SlotSet("complaint_name", None), SlotSet("complaint_narrative", None),
               SlotSet("complaint_reference", "CRT-2026-00042"))
    return {"during": during, "after": rows(store, sender), "kept_for_the_form": kept_for_the_form,
            "slot_after": (await store.retrieve(sender)).get_slot("complaint_name")}


CLIENT = "client:5f0c9a8e7d6b4a3c2b1a0f9e8d7c6b5a"  # the web relay's pseudonym of an address (bot/web/relay.py)


async def read_back(store: RedactingTrackerStore) -> dict[str, Any]:
    """Short answers in the read-back (the action's summary in Rasa's template), and the relay's client pseudonym."""
    sender = "read-back"
    metadata = {"client": CLIENT, "message_id": "3f2a9c0d1e4b5a6978877f6e5d4c3b2a"}
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    tracker.update(SlotSet("session_started_metadata", metadata))  # as Rasa's processor, on a session's first message
    start(tracker)
    tracker.update(said("I want to complain", "start_complaint", metadata))
    tracker.update(ActiveLoop("complaint_form"))
    for name, value in (("complaint_name", "Amy"), ("complaint_location", "M25"), ("complaint_people", "Bob")):
        tracker.update(SlotSet(name, value))
    tracker.update(SlotSet("requested_slot", "complaint_witnesses"))
    await store.save(tracker)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(said("Zed", metadata=metadata))
    tracker.update(SlotSet("complaint_witnesses", "Zed"))
    tracker.update(SlotSet("requested_slot", "complaint_confirm"))
    summary = "- Your name: Amy\n- Where: M25\n- Who was involved: Bob\n- Witnesses: Zed"
    template = DOMAIN.responses["utter_complaint_read_back"][0]["text"]
    # What Rasa makes of the action's utter_message(response=..., summary=...): the template filled, the arguments
    # in the metadata.
    name = "utter_complaint_read_back"
    arguments = {"utter_action": name, "template": name, "summary": summary}
    tracker.update(BotUttered(template.replace("{summary}", summary), {"buttons": []}, arguments))
    await store.save(tracker)
    # What this turn's actions are sent (the live tracker), and what a replica loads for the next turn.
    live = tracker.current_state()["latest_message"]["metadata"]
    loaded = await RedactingTrackerStore(DOMAIN, URL).retrieve(sender)
    return {"rows": rows(store, sender), "live": live, "loaded": loaded.current_state()["latest_message"]["metadata"]}


async def forgotten(store: RedactingTrackerStore) -> dict[str, Any]:
    sender = "forgotten"
    tracker = await turn(store, sender, said("hello", "greet"))
    with store.engine.begin() as connection:
        connection.execute(tracker_tables.FORGOTTEN.insert().values(sender_hash=sender_hash(sender), forgotten_at=NOW))
        connection.execute(tracker_tables.EVENTS.delete().where(tracker_tables.EVENTS.c.sender_id == sender))
        connection.execute(tracker_tables.SENDERS.delete().where(tracker_tables.SENDERS.c.sender_id == sender))
    tracker.update(said("still here?"))
    await store.save(tracker)
    return {"rows": rows(store, sender), "retrieved": await store.retrieve(sender) is None}


async def removed_meanwhile(store: RedactingTrackerStore) -> dict[str, Any]:
    """Retention (or an erasure) deleted the conversation while a turn was being handled: never written back."""
    sender = "removed-meanwhile"
    await turn(store, sender, said("first message", "greet"))
    tracker = await store.retrieve(sender)
    with store.engine.begin() as connection:
        connection.execute(tracker_tables.EVENTS.delete().where(tracker_tables.EVENTS.c.sender_id == sender))
        connection.execute(tracker_tables.SENDERS.delete().where(tracker_tables.SENDERS.c.sender_id == sender))
    tracker.update(said("second message"))
    await store.save(tracker)
    return {"texts": [row.get("text") for row in rows(store, sender) if row["event"] == "user"]}


async def replicas(url: str) -> dict[str, Any]:
    """Two stores (two Rasa replicas) on one database: each sees the other's turns, never a stale cache."""
    first, second = RedactingTrackerStore(DOMAIN, url), RedactingTrackerStore(DOMAIN, url)
    sender = "replicas"
    await turn(first, sender, said("one", "greet"))
    await first.retrieve(sender)  # now cached in the first
    await turn(second, sender, said("two"))
    tracker = await first.retrieve(sender)
    await turn(first, sender, said("three"))
    texts = [row.get("text") for row in rows(first, sender) if row["event"] == "user"]
    return {"first_sees": [e.text for e in tracker.events if e.type_name == "user"], "stored": texts}


async def both_read(url: str, new_session: bool = False) -> dict[str, Any]:
    """Two replicas read one version and both save (a lock ticket that lapsed): neither turn is lost or hidden.

    With new_session, the second's session expired: it starts a new one and saves first; the first's turn follows.
    """
    first, second = RedactingTrackerStore(DOMAIN, url), RedactingTrackerStore(DOMAIN, url)
    sender = f"both-read-{new_session}"
    await turn(first, sender, said("hello", "greet"))
    mine, theirs = await first.retrieve(sender), await second.retrieve(sender)
    mine.update(said("turn of the first"))
    if new_session:
        start(theirs)
    theirs.update(said("turn of the second"))
    for store, tracker in ((second, theirs), (first, mine)) if new_session else ((first, mine), (second, theirs)):
        await store.save(tracker)
    seen = {}
    for name, store in (("first", first), ("second", second)):
        tracker = await store.retrieve(sender)
        seen[name] = [e.text for e in tracker.events if e.type_name == "user"]
        seen[f"{name}_starts"] = tracker.events[0].type_name
    with first.engine.connect() as connection:
        query = sa.select(tracker_tables.SENDERS.c.stored).where(tracker_tables.SENDERS.c.sender_id == sender)
        stored = connection.execute(query).scalar()
    return {**seen, "rows": len(rows(first, sender)), "stored": stored}


async def sessions(store: RedactingTrackerStore) -> dict[str, Any]:
    sender = "sessions"
    await turn(store, sender, said("any update on my case", "case_status"), ActiveLoop("case_status_form"),
               SlotSet("requested_slot", "case_surname"))
    await turn(store, sender, said("Quux"), SlotSet("case_surname", "Quux"))
    tracker = await store.retrieve(sender)
    start(tracker)  # the session expired: Rasa starts a new one in the same tracker
    tracker.update(said("hello again", "greet"))
    await store.save(tracker)
    loaded = await store.retrieve(sender)
    return {"rows": rows(store, sender), "loaded_types": [e.type_name for e in loaded.events]}


async def legacy(url: str) -> dict[str, Any]:
    """Rows written by Rasa's own SQL store are read, and only new events are added after them."""
    stock = SQLTrackerStore(DOMAIN, host=url)
    sender = "legacy"
    tracker = await stock.get_or_create_tracker(sender, append_action_listen=False)
    start(tracker)
    tracker.update(said("stored by the old store", "greet"))
    await stock.save(tracker)
    store = RedactingTrackerStore(DOMAIN, url)
    await turn(store, sender, said("my email is jo@example.org"))
    return {"rows": rows(store, sender)}


async def concurrent_forget(store: RedactingTrackerStore) -> dict[str, Any]:
    """A save that starts while a forget holds the conversation's lock waits for it, then stores nothing."""
    sender = "concurrent"
    tracker = await turn(store, sender, said("hello", "greet"))
    tracker.update(said("in flight"))
    saved_at: list[float] = []
    with tracker_tables.conversation_transaction(store.engine, sender) as connection:
        connection.execute(tracker_tables.FORGOTTEN.insert().values(sender_hash=sender_hash(sender), forgotten_at=NOW))
        connection.execute(tracker_tables.EVENTS.delete().where(tracker_tables.EVENTS.c.sender_id == sender))
        saver = threading.Thread(target=lambda: (asyncio.run(store.save(tracker)), saved_at.append(time.monotonic())))
        saver.start()
        time.sleep(1.0)
        waited = not saved_at
        committed_at = time.monotonic()
    saver.join(30)
    return {"waited": waited, "after_commit": bool(saved_at) and saved_at[0] >= committed_at,
            "rows": rows(store, sender)}


async def parallel_saves(store: RedactingTrackerStore) -> dict[str, Any]:
    """Twelve conversations saved at once from threads, as Rasa saves turns, each tracker a second time (as Rasa
    saves a new conversation's tracker when it creates it and after its turn): every event stored once."""
    senders = [f"parallel-{n}" for n in range(12)]
    trackers = []
    for sender in senders:
        tracker = await turn(store, sender, said("hello", "greet"))
        tracker.update(said(f"second message of {sender}"))
        trackers.append(tracker)
    await asyncio.gather(*(store.save(tracker) for tracker in trackers))
    return {sender: rows(store, sender) for sender in senders}


async def dropped_connection(store: RedactingTrackerStore) -> dict[str, Any]:
    """The connection fails once before the commit (PostgreSQL restarting), then once during a commit."""
    sender, calls = "dropped-connection", {"inserts": 0, "commits": 0}
    await turn(store, sender, said("hello", "greet"))

    def drop_first_insert(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO events"):
            calls["inserts"] += 1
            if calls["inserts"] == 1:
                raise sa.exc.OperationalError(statement, {}, OSError("server closed the connection unexpectedly"))

    sa.event.listen(store.engine, "before_cursor_execute", drop_first_insert)
    try:
        await turn(store, sender, said("my answer to the question"))
        raised = ""
    except sa.exc.OperationalError as exc:
        raised = type(exc).__name__
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", drop_first_insert)
    texts = [r.get("text") for r in rows(store, sender) if r["event"] == "user"]
    retried = {"inserts": calls["inserts"], "texts": texts, "raised": raised}

    def drop_commit(conn: Any) -> None:
        calls["commits"] += 1
        raise sa.exc.OperationalError("COMMIT", {}, OSError("server closed the connection unexpectedly"))

    sa.event.listen(store.engine, "commit", drop_commit)
    try:
        await turn(store, sender, said("a third message"))
        raised = ""
    except tracker_tables.CommitUnknown as exc:
        raised = type(exc).__name__
    finally:
        sa.event.remove(store.engine, "commit", drop_commit)
    return {"retried": retried, "commit": {"raised": raised, "commits": calls["commits"]}}


async def main() -> None:
    store = RedactingTrackerStore(DOMAIN, URL)
    report = {
        "dialect": store.engine.dialect.name,
        "form_values": await form_values(store),
        "read_back": await read_back(store),
        "forgotten": await forgotten(store),
        "removed_meanwhile": await removed_meanwhile(store),
        "replicas": await replicas(URL),
        "both_read": await both_read(URL),
        "both_read_new_session": await both_read(URL, new_session=True),
        "sessions": await sessions(store),
        "legacy": await legacy(URL),
        "concurrent_forget": await concurrent_forget(store),
        "parallel_saves": await parallel_saves(store),
        "dropped_connection": await dropped_connection(store),
    }
    print(json.dumps(report))


asyncio.run(main())
