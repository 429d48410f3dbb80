"""Demo complaints for a fresh database, made through the same service as the chat (so they are triaged).

The residents are invented; their e-mail addresses use example.com (reserved, never delivered).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Complaint
from bot.services import clock
from bot.services.complaints import tickets, workflow
from bot.services.complaints.details import ComplaintDetails


def _demo(today: date) -> list[ComplaintDetails]:
    return [
        ComplaintDetails(
            complainant_role="affected", name="Jordan Price", email="jordan.price@example.com", phone="07700900461",
            preferred_contact="phone",
            narrative="I was arrested outside a pub in Watford. In the van an officer slammed my head against the door "
            "and I was taken to hospital with a head injury. Nobody told me why I was arrested.",
            incident_date=today - timedelta(days=6), incident_when="last week", location="Market Street, Watford",
            people_involved="Two officers, one had collar number 2231", injury_or_damage="Head injury, stitches",
            witnesses="My friend Dan", reference_numbers="", desired_outcome="I want it investigated",
            wants_recorded=True,
        ),
        ComplaintDetails(
            complainant_role="behalf", has_permission=True, name="Margaret Hill", email="m.hill@example.com",
            preferred_contact="email",
            narrative="My father has dementia. When officers came about a neighbour dispute they shouted at him and "
            "he was terrified for days afterwards.",
            incident_date=today - timedelta(days=20), incident_when="about three weeks ago", location="Hitchin",
            people_involved="A PCSO and an officer", injury_or_damage="no", witnesses="no",
            reference_numbers="", desired_outcome="An apology to my dad", wants_recorded=False,
        ),
        ComplaintDetails(
            complainant_role="affected", name="Priya Natarajan", email="priya.n@example.com", phone="01707806100",
            preferred_contact="email",
            narrative="I reported my shed being broken into and rang 101 three times for an update. Nobody called "
            "back and I found out by letter that the case was closed.",
            incident_date=today - timedelta(days=45), incident_when="in the autumn", location="Stevenage",
            people_involved="don't know", injury_or_damage="The shed door was damaged", witnesses="no",
            reference_numbers="41/20871/26", desired_outcome="An explanation", wants_recorded=False,
        ),
        ComplaintDetails(
            complainant_role="witness", name="Tom Webb", phone="07700900987", preferred_contact="phone",
            narrative="I saw an officer park a police car across a disabled bay for an hour while buying lunch.",
            incident_date=today - timedelta(days=400), incident_when="over a year ago", location="St Albans",
            people_involved="One officer", injury_or_damage="no", witnesses="no", reference_numbers="no",
            desired_outcome="For it not to happen again", wants_recorded=False,
        ),
    ]


async def load_demo_complaints(session: AsyncSession) -> int:
    """Add the demo complaints when there are none yet; returns how many were added."""
    if await session.scalar(select(func.count()).select_from(Complaint)):
        return 0
    now = clock.now()
    made = []
    for number, details in enumerate(_demo(clock.local_date(now)), start=1):
        complaint, _ = await tickets.create(
            session, details, sender_id=f"demo-{number}", key=f"demo-complaint-{number}", now=now
        )
        made.append(complaint)
    # The urgent one has been worked already (its history shows how), so a new urgent complaint tops the queue.
    for status in ("acknowledged", "recorded", "closed"):
        await workflow.change_status(session, made[0], status, actor="demo-data", staff_id=None)
    return len(made)
