"""How a forgotten conversation is named and locked, shared by the tracker store and the web app (stdlib only).

The `forgotten_conversations` table holds `sender_hash(sender_id)`, never the id itself. Conversation ids are
random UUIDs (122 random bits), so an unkeyed SHA-256 cannot be reversed by guessing, and the Rasa server
needs no secret to check it. The forget and the tracker store's save take the same per-conversation lock
(`lock_key`) on PostgreSQL, so a save either finishes before the forget deletes, or sees the forget.
"""

from __future__ import annotations

import hashlib

TABLE = "forgotten_conversations"


def sender_hash(sender_id: str) -> str:
    """The SHA-256 hex of a conversation id, as the forgotten table stores it."""
    return hashlib.sha256(f"forgotten-conversation:{sender_id}".encode()).hexdigest()


def lock_key(sender_id: str) -> int:
    """A signed 64-bit key for PostgreSQL's pg_advisory_xact_lock on this conversation."""
    digest = hashlib.sha256(f"conversation-lock:{sender_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
