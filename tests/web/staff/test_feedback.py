"""The Feedback page: per-topic counts of "Was this helpful?" answers, for signed-in staff only."""

import re

import pytest
from sqlalchemy import select

from bot.db.engine import unit_of_work
from bot.db.models import AuditEntry
from bot.services.feedback import record_feedback


@pytest.fixture
async def answers(sessions):
    """Three answers about fraud (two helpful), one about Beacon, one with no topic."""
    async with unit_of_work(sessions) as session:
        for helpful, topic in [
            (True, "fraud"),
            (True, "fraud"),
            (False, "fraud"),
            (False, "beacon_info"),
            (True, None),
        ]:
            await record_feedback(session, helpful, topic)


def _rows(html):
    """The table's rows as (topic, helpful, not helpful, percent), tags and spacing removed."""
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, flags=re.S)[1:]  # after the header row
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
        for row in rows
    ]


async def test_anonymous_visitors_are_sent_to_sign_in(staff_client, answers):
    client = await staff_client()
    response = await client.get("/staff/feedback", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/staff/login?next=%2Fstaff%2Ffeedback"


async def test_an_officer_sees_the_counts_per_topic_and_the_view_is_audited(login_as, answers, sessions):
    client = await login_as("officer")
    response = await client.get("/staff/feedback")
    html = await response.text()
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert _rows(html) == [("fraud", "2", "1", "67"), ("beacon_info", "0", "1", "0"), ("No topic", "1", "0", "100")]
    assert "5 answers: 3 helpful, 2 not helpful." in html
    assert 'href="/staff/feedback" aria-current="page"' in html  # in the navigation, as the current page
    async with sessions() as session:
        viewed = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "feedback.viewed"))).all()
    assert [(entry.actor, entry.details) for entry in viewed] == [(f"staff:{client.staff.id}", {})]


async def test_the_page_says_when_there_is_no_feedback_yet(login_as):
    client = await login_as("supervisor")
    html = await (await client.get("/staff/feedback")).text()
    assert "No feedback yet." in html and "<table" not in html


async def test_the_dashboard_home_links_to_the_page(login_as):
    client = await login_as("officer")
    html = await (await client.get("/staff")).text()
    assert '<a class="govuk-link" href="/staff/feedback">Feedback</a>' in html
