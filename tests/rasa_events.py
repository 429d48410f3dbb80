"""Rasa's `events` table for tests: the shape its SQL tracker store creates (our migrations never do)."""

import json

from sqlalchemy import text

CREATE = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,"
    " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
)
INSERT = text(
    "INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES (:id, :sender, :type, :timestamp, :data)"
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
