"""Dates for complaints: what residents type for "when did it happen", and working-day due dates. Pure."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

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

MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}
WEEKDAYS = {name: index for index, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                                        "saturday", "sunday"))}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4}|\d{2})"
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-]" + _YEAR + r"\b")  # UK order: day/month/year
_DAY_MONTH = re.compile(r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?\b", re.I)
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?\b", re.I)
# A month alone needs "in" or "last" before it, so "it may have been" is not May.
_MONTH_YEAR = re.compile(r"\b(?:(?:in|last)\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?|" + _MONTH + r"\s+(\d{4}))\b", re.I)
_AGO = re.compile(r"\b" + _NUMBER + r"\s+(day|week|month|year)s?\s+ago\b", re.I)
_WEEKDAY = re.compile(r"\b(last|this|on)?\s*(" + "|".join(WEEKDAYS) + r")\b", re.I)
_RELATIVE = {
    "today": 0, "this morning": 0, "this afternoon": 0, "tonight": 0, "this evening": 0,
    "yesterday": 1, "last night": 1, "the day before yesterday": 2, "last week": 7, "last month": 30,
    "last year": 365,
}


class DateError(ValueError):
    """What was typed is not a date we can read ("format") or is in the future ("future")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _year(raw: str | None, today: date) -> int:
    if raw is None:
        return today.year
    year = int(raw)
    return year + 2000 if year < 100 else year


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError("format") from exc


def _months_back(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, 28)
    return date(year, month + 1, day)


def _explicit(text: str, today: date) -> date | None:
    if match := _ISO.search(text):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.search(text):
        return _make(_year(match[3], today), int(match[2]), int(match[1]))
    if match := _DAY_MONTH.search(text):
        day = _make(_year(match[3], today), MONTHS[match[2].lower()], int(match[1]))
        # "3 March" with no year means the most recent 3 March.
        return day.replace(year=day.year - 1) if match[3] is None and day > today else day
    if match := _MONTH_DAY.search(text):
        day = _make(_year(match[3], today), MONTHS[match[1].lower()], int(match[2]))
        return day.replace(year=day.year - 1) if match[3] is None and day > today else day
    return None


def _relative(text: str, today: date) -> date | None:
    lowered = text.lower()
    for phrase, days in sorted(_RELATIVE.items(), key=lambda item: -len(item[0])):
        if re.search(r"\b" + phrase + r"\b", lowered):
            return today - timedelta(days=days)
    if match := _AGO.search(lowered):
        count = int(match[1]) if match[1].isdigit() else _NUMBERS[match[1]]
        unit = match[2]
        if unit == "day":
            return today - timedelta(days=count)
        if unit == "week":
            return today - timedelta(weeks=count)
        return _months_back(today, count * (12 if unit == "year" else 1))
    if match := _WEEKDAY.search(lowered):
        back = (today.weekday() - WEEKDAYS[match[2]]) % 7
        # "last Tuesday" on a Tuesday means a week ago; "Tuesday" alone means the most recent one before today.
        return today - timedelta(days=back or 7)
    if match := _MONTH_YEAR.search(lowered):
        month = MONTHS[(match[1] or match[3]).lower()]
        year_text = match[2] or match[4]
        year = _year(year_text, today)
        if year_text is None and (year, month) > (today.year, today.month):
            year -= 1
        return _make(year, month, 1)  # only the month is known: its first day
    return None


def parse_incident_date(text: str, *, today: date) -> date:
    """The date of an incident from what a resident typed ("last Tuesday", "3/4/2026", "March 2025")."""
    text = (text or "").strip()
    day = _explicit(text, today) or _relative(text, today)
    if day is None:
        raise DateError("format")
    if day > today:
        raise DateError("future")
    if day.year < 1950:
        raise DateError("format")
    return day


def today_in_london(now: datetime) -> date:
    """The calendar date in Hertfordshire at this moment."""
    return now.astimezone(LONDON).date()


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
