"""Answers to "Was this helpful?": stored with the topic they are about, counted per topic for staff.

Only the choice and an intent name are kept: no conversation id, no message text, nothing a resident typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Feedback

TOPIC_MAX_LENGTH = 60  # the width of feedback.topic
# Rasa intent names as this assistant writes them (report_crime, beacon_info): anything else is not a topic,
# so a crafted payload cannot smuggle free text into the table.
_TOPIC = re.compile(r"[a-z][a-z0-9_]*")


def clean_topic(topic: object) -> str | None:
    """The topic if it looks like one of our intent names, else None."""
    if not isinstance(topic, str) or len(topic) > TOPIC_MAX_LENGTH or not _TOPIC.fullmatch(topic):
        return None
    return topic


async def record_feedback(session: AsyncSession, helpful: bool, topic: str | None) -> Feedback:
    """Add one answer to the caller's transaction (flushed, not committed); an invalid topic is stored as None."""
    row = Feedback(helpful=bool(helpful), topic=clean_topic(topic))
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True)
class TopicFeedback:
    """How many answers about one topic (None: no topic) said it helped, and how many said it did not."""

    topic: str | None
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        """All answers about this topic."""
        return self.helpful + self.not_helpful


async def feedback_summary(session: AsyncSession) -> list[TopicFeedback]:
    """Counts per topic, the most answered first (then by name, with no topic last)."""
    rows = await session.execute(
        select(Feedback.topic, Feedback.helpful, func.count()).group_by(Feedback.topic, Feedback.helpful)
    )
    counts: dict[str | None, list[int]] = {}
    for topic, helpful, count in rows.all():
        counts.setdefault(topic, [0, 0])[0 if helpful else 1] += count
    summary = [TopicFeedback(topic, yes, no) for topic, (yes, no) in counts.items()]
    return sorted(summary, key=lambda row: (-row.total, row.topic is None, row.topic or ""))
