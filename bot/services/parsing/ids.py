"""Row ids typed by people or put in URLs: ASCII digits within the database's Integer columns."""

from __future__ import annotations

MAX_ID = 2**31 - 1  # our ids are Integer columns: PostgreSQL refuses a larger value outright (not "no such row")


def parse_id(raw: str | None) -> int | None:
    """A row id: ASCII digits up to MAX_ID (str.isdigit() takes "²", which int() refuses); None otherwise."""
    if not raw or len(raw) > len(str(MAX_ID)) or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None
