"""What residents and exports type, read one way everywhere: dates, e-mail and phone, names, postcodes, replies.

Pure functions, no I/O. Each parser raises ParseError with a reason code (never the text itself); a topic's
service that has its own error reads through `parsed`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ParseError(ValueError):
    """What was typed is not what was asked for; `reason` says which rule it broke, never the text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parsed(parse: Callable[[str], T], text: str, error: Callable[[str], Exception]) -> T:
    """parse(text), raising the caller's own error (made from the ParseError's reason) instead of a ParseError."""
    try:
        return parse(text)
    except ParseError as exc:
        raise error(exc.reason) from exc
