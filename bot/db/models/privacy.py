"""Privacy: conversations their owner asked us to forget (the quick exit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class ForgottenConversation(Base):
    """A forgotten conversation: the tracker store refuses to store it again, the web app answers 410.

    Only a hash of the conversation id (rasa_addons.forgetting.sender_hash), and when: nothing to link it to.
    """

    __tablename__ = "forgotten_conversations"

    sender_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    forgotten_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
