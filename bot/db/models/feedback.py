"""Answers to "Was this helpful?"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class Feedback(Base):
    """One answer to "Was this helpful?": the choice and its topic, nothing about who gave it."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    helpful: Mapped[bool] = mapped_column()
    # An intent name checked by bot.services.feedback.clean_topic (never text a resident typed); None: no topic.
    topic: Mapped[str | None] = mapped_column(String(60), default=None)
