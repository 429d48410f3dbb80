"""Working days in England and Wales, for complaint due dates. Pure."""

from __future__ import annotations

from datetime import date, timedelta

# England and Wales bank holidays (gov.uk/bank-holidays); days not listed count as working days if Mon-Fri.
BANK_HOLIDAYS = frozenset(
    date.fromisoformat(day)
    for day in (
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25",
        "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
        "2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
        "2027-08-30", "2027-12-27", "2027-12-28",
    )
)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def add_working_days(start: date, count: int) -> date:
    """The working day `count` working days after `start` (start itself never counts)."""
    day = start
    added = 0
    while added < count:
        day += timedelta(days=1)
        if is_working_day(day):
            added += 1
    return day
