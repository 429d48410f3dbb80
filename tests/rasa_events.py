"""The tracker store's tables for tests: the shape rasa_addons/tracker_tables.py creates (our migrations never do)."""

import json

from sqlalchemy import text

CREATE = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,"
    " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
)
CREATE_SENDERS = (
    "CREATE TABLE tracker_senders (sender_id VARCHAR(255) PRIMARY KEY, session_start_id INTEGER NOT NULL,"
    " stored INTEGER NOT NULL, version INTEGER NOT NULL, form_values BOOLEAN NOT NULL, updated_at FLOAT NOT NULL)"
)
INSERT = text(
    "INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES (:id, :sender, :type, :timestamp, :data)"
)
INSERT_SENDER = text(
    "INSERT INTO tracker_senders (sender_id, session_start_id, stored, version, form_values, updated_at)"
    " VALUES (:sender, 0, 0, 1, :form_values, :updated_at)"
)


async def create_events(connection, events=()):
    """Create the table (on a connection or session) and add (sender, type_name, text) events, numbered from 1."""
    await connection.execute(text(CREATE))
    for number, (sender, type_name, said) in enumerate(events, start=1):
        data = json.dumps({"text": said}) if said is not None else "{}"
        timestamp = 1795262400.0 + number
        await connection.execute(
            INSERT, {"id": number, "sender": sender, "type": type_name, "timestamp": timestamp, "data": data}
        )


async def create_conversations(connection, conversations):
    """Both tables, and each conversation's events as the store writes them: {sender: (updated_at, [event dicts])}.

    Every event of a conversation gets its `updated_at` as timestamp; form_values is set when a slot event holds
    a value of a form slot.
    """
    from rasa_addons.stored_events import FORM_SLOTS

    await connection.execute(text(CREATE))
    await connection.execute(text(CREATE_SENDERS))
    number = 0
    for sender, (updated_at, events) in conversations.items():
        for event in events:
            number += 1
            await connection.execute(
                INSERT,
                {"id": number, "sender": sender, "type": event["event"], "timestamp": updated_at,
                 "data": json.dumps(event)},
            )
        held = any(e["event"] == "slot" and e.get("name") in FORM_SLOTS and e.get("value") for e in events)
        await connection.execute(INSERT_SENDER, {"sender": sender, "form_values": held, "updated_at": updated_at})


async def stored(connection, sender):
    """The events stored for a conversation, oldest first."""
    rows = await connection.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
    return [json.loads(data) for (data,) in rows]
