"""The columns every table of status-check attempts shares (bot.services.attempt_limits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import utcnow


class AttemptColumns:
    """The columns of a table of status-check attempts (bot.services.attempt_limits reads them)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Pseudonyms (bot.services.audit.pseudonym), never the reference or the conversation id itself.
    reference_key: Mapped[str] = mapped_column(String(64))
    conversation_key: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
