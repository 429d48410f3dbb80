"""Feedback: one row per answer, an intent name or nothing as its topic, and per-topic counts for staff."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.base import utcnow
from bot.db.models import Feedback
from bot.services.feedback import TopicFeedback, clean_topic, feedback_summary, record_feedback


async def test_an_answer_is_stored_with_its_topic_and_the_time_in_utc(session):
    before = utcnow()
    row = await record_feedback(session, True, "beacon_info")
    assert row.id is not None  # flushed, so it has its id in the caller's transaction
    stored = await session.get(Feedback, row.id)
    assert (stored.helpful, stored.topic) == (True, "beacon_info")
    assert row.created_at.utcoffset() == timedelta(0)
    assert before <= row.created_at <= utcnow()


async def test_no_topic_is_stored_as_none(session):
    row = await record_feedback(session, False, None)
    assert (row.helpful, row.topic) == (False, None)


async def test_recording_leaves_the_commit_to_the_caller(sessions):
    async with sessions() as session:
        await record_feedback(session, True, "fraud")
        await session.rollback()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 0


@pytest.mark.parametrize(
    "topic",
    [
        "",
        "Jo Bloggs",
        "my phone is 07700900123",
        "report_crime; drop table feedback",
        "Report_Crime",
        "beacon-info",
        "_private",
        "9lives",
        "a" * 61,
        "fraud\n",
        None,
        42,
    ],
)
async def test_anything_but_an_intent_name_is_stored_as_no_topic(session, topic):
    row = await record_feedback(session, True, topic)
    assert row.topic is None
    assert clean_topic(topic) is None


@pytest.mark.parametrize("topic", ["fraud", "support_hate_crime", "other_force_area", "a" * 60])
def test_intent_names_are_kept(topic):
    assert clean_topic(topic) == topic


async def test_the_summary_counts_each_topic_most_answered_first_and_no_topic_last(session):
    answers = [
        (True, "fraud"),
        (False, "fraud"),
        (True, "fraud"),
        (True, "beacon_info"),
        (False, "beacon_info"),
        (False, None),
        (True, None),
        (False, "case_status"),
        (False, "case_status"),
    ]
    for helpful, topic in answers:
        await record_feedback(session, helpful, topic)
    assert await feedback_summary(session) == [
        TopicFeedback("fraud", helpful=2, not_helpful=1),
        TopicFeedback("beacon_info", helpful=1, not_helpful=1),
        TopicFeedback("case_status", helpful=0, not_helpful=2),
        TopicFeedback(None, helpful=1, not_helpful=1),
    ]


async def test_the_summary_of_no_feedback_is_empty(session):
    assert await feedback_summary(session) == []
