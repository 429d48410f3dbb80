"""Dates as residents type them ("last Tuesday", "14/11", "3 days ago", "in March"), and as we write them back.

One grammar for every question that asks "when?"; what a caller accepts beyond it (how far back, whether a
month alone will do, what "Saturday" means on a Saturday) is its DateRules.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.services.parsing import ParseError

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
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
            "a few": 3, "few": 3}

_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4}|\d{2})"
# A year after a day and month, unless it is a time ("3 Dec 10:30", "3 Dec 11 pm"): then there is no year.
_YEAR_AFTER = r"(?:\s+" + _YEAR + r"(?![:.]\d|\s*[ap]\.?m\b))?"
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"

# Year first: "2026-11-14", also with slashes or dots ("2026/11/14"), never read as its "11/14".
_ISO = re.compile(r"\b(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})\b")
_NOT_AFTER_A_DATE_PART = r"(?<!\d[/.\-])"
_NUMERIC = re.compile(  # UK order: day/month/year
    _NOT_AFTER_A_DATE_PART + r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-]" + _YEAR + r"\b"
)
# Without a year only with a slash ("14/11"): "10.30" and "3-4" are times more often than dates.
_DAY_SLASH_MONTH = re.compile(_NOT_AFTER_A_DATE_PART + r"\b(\d{1,2})/(\d{1,2})\b(?![/.\-]\d)")
_DAY_MONTH = re.compile(r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTH + _YEAR_AFTER + r"\b")
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+" + _DAY + _YEAR_AFTER + r"\b")
# A month alone needs "in" or "last" before it, so "it may have been" is not May.
_MONTH_ONLY = re.compile(
    r"\b(?:(?P<lead>in|last)\s+" + _MONTH + _YEAR_AFTER + r"|" + _MONTH + r"\s+(\d{4}))\b"
)
_AGO = re.compile(r"\b" + _NUMBER + r"\s+(day|night|week|month|year)s?\s+ago\b")
_WEEKEND = re.compile(r"\b(?:last|at the|over the) weekend\b")
_LAST = re.compile(r"\blast\b")
# Longest first where one contains another ("the day before yesterday" holds "yesterday").
_DAYS_BACK: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(r"\b(?:" + phrase + r")\b"), days)
    for phrase, days in (
        (r"(?:the )?day before yesterday", 2),
        (r"tomorrow", -1),  # a day in the future, refused as such with its own explanation
        (r"today|this morning|this afternoon|this evening|tonight|just now", 0),
        (r"earlier(?!\s+(?:this|last)\s+(?:week|month|year))", 0),
        (r"yesterday|last night", 1),
        (r"last week", 7),
    )
)
# Counted in calendar months: "last month" on 31 March is in February, "last year" on 31 December in the year before.
_MONTHS_BACK = ((re.compile(r"\blast month\b"), 1), (re.compile(r"\blast year\b"), 12))


@dataclass(frozen=True)
class DateRules:
    """What one question accepts beyond the grammar."""

    oldest: timedelta | None = None  # further back than this is refused as "too_old"
    earliest_year: int | None = None  # a year before this is not a date we can read ("format")
    month_only: bool = False  # "in March" means 1 March; otherwise a month alone is no date
    same_weekday_is_today: bool = False  # "Saturday" said on a Saturday: today, or a week ago


_CENTURY_PIVOT = 20  # a two-digit year more than this many years ahead is last century's ("3/4/98" is 1998)


def _full_year(raw: str, today: date) -> int:
    year = int(raw)
    if len(raw) != 2:
        return year
    year += 2000
    return year - 100 if year > today.year + _CENTURY_PIVOT else year


def _on(day: int, month: int, year: str | None, today: date) -> date | None:
    """The date, or None if there is no such day; without a year, the most recent one ("24 December", "29/2")."""
    if year:
        try:
            return date(_full_year(year, today), month, day)
        except ValueError:  # 31/02 and the like
            return None
    for guess_year in range(today.year, today.year - 9, -1):  # eight years hold a 29 February
        try:
            guess = date(guess_year, month, day)
        except ValueError:  # no such day that year (29/02), or in any year (31/02, 14/13)
            continue
        if guess <= today:
            return guess
    return None


def _explicit(text: str, today: date) -> date | None:
    candidates = (
        *((int(m[4]), int(m[3]), m[1]) for m in _ISO.finditer(text)),
        *((int(m[1]), int(m[2]), m[3]) for m in _NUMERIC.finditer(text)),
        *((int(m[1]), int(m[2]), None) for m in _DAY_SLASH_MONTH.finditer(text)),
        *((int(m[1]), MONTHS[m[2]], m[3]) for m in _DAY_MONTH.finditer(text)),
        *((int(m[2]), MONTHS[m[1]], m[3]) for m in _MONTH_DAY.finditer(text)),
    )
    return next((day for day in (_on(*args, today) for args in candidates) if day is not None), None)


def months_back(today: date, months: int) -> date:
    """The same day of the month `months` calendar months earlier, or that month's last day if it is shorter."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _weekday(text: str, today: date, rules: DateRules) -> date | None:
    # "mon", "tues", "weds", "thurs" and the like are weekdays too.
    for token in re.findall(r"[a-z]+", text):
        token = {"weds": "wed"}.get(token, token)
        index = next((i for i, name in enumerate(WEEKDAYS) if len(token) >= 3 and name.startswith(token)), None)
        if index is not None:
            back = (today.weekday() - index) % 7
            if back == 0 and (_LAST.search(text) or not rules.same_weekday_is_today):
                back = 7  # "last Saturday" on a Saturday is a week ago
            return today - timedelta(days=back)
    return None


def _relative(text: str, today: date, rules: DateRules) -> date | None:
    for pattern, days in _DAYS_BACK:
        if pattern.search(text):
            return today - timedelta(days=days)
    for pattern, months in _MONTHS_BACK:
        if pattern.search(text):
            return months_back(today, months)
    if _WEEKEND.search(text):
        return today - timedelta(days=(today.weekday() - 5) % 7 or 7)  # the Saturday just gone
    if match := _AGO.search(text):
        count = int(match[1]) if match[1].isdigit() else _NUMBERS[match[1]]
        if match[2] in ("day", "night"):
            return today - timedelta(days=count)
        if match[2] == "week":
            return today - timedelta(weeks=count)
        return months_back(today, count * (12 if match[2] == "year" else 1))
    return _weekday(text, today, rules)


def _month_only(text: str, today: date) -> date | None:
    if (match := _MONTH_ONLY.search(text)) is None:
        return None
    month = MONTHS[match[2] or match[4]]
    year_text = match[3] or match[5]
    year = _full_year(year_text, today) if year_text else today.year
    # Without a year, the most recent such month: this one so far for "in December", a year ago for "last December".
    if year_text is None and (
        (year, month) > (today.year, today.month) or (match["lead"] == "last" and month == today.month)
    ):
        year -= 1
    return date(year, month, 1)  # only the month is known: its first day


def parse_day(text: str, *, today: date, rules: DateRules) -> date:
    """The day a resident means, from "yesterday", "last Tuesday", "3 days ago", "14/11", "3rd March 2025"...

    An explicit date wins over a relative phrase in the same answer. ParseError reasons: "format" (no date we
    can read), "future", "too_old" (before rules.oldest).
    """
    lowered = " ".join((text or "").lower().replace(",", " ").split())
    day = _explicit(lowered, today) or _relative(lowered, today, rules)
    if day is None and rules.month_only:
        day = _month_only(lowered, today)
    if day is None or (rules.earliest_year is not None and day.year < rules.earliest_year):
        raise ParseError("format")
    if day > today:
        raise ParseError("future")
    if rules.oldest is not None and day < today - rules.oldest:
        raise ParseError("too_old")
    return day


def long_date(day: date, *, weekday: bool = True) -> str:
    """A date as residents write it: "Tuesday 17 November 2026" (or "17 November 2026" without the weekday)."""
    written = f"{day.day} {day:%B %Y}"
    return f"{day:%A} {written}" if weekday else written
