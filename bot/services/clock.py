"""The one clock: the time now (UTC) and today's date in Hertfordshire (Europe/London).

Every "now" and "today" of the services, actions and web views comes from here, so a date a resident
types ("yesterday") and a due date a team member sees are counted from the same calendar day.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current time, timezone-aware, in UTC (what we store)."""
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """A stored time with its time zone: SQLite hands back naive datetimes, and everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def local_date(moment: datetime) -> date:
    """The calendar date in Hertfordshire at a moment (a naive moment is taken as UTC)."""
    return aware(moment).astimezone(LONDON).date()


def today() -> date:
    """Today's date in Hertfordshire."""
    return local_date(now())
