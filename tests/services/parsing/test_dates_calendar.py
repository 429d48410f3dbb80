"""The date grammar at the calendar's edges: 29 February, year-first dates, two-digit years, times after a date,
and "last month" / "last year" / "a year ago" counted in calendar months and years."""

from datetime import date, timedelta

import pytest

from bot.services.parsing import ParseError
from bot.services.parsing.dates import DateRules, months_back, parse_day

TODAY = date(2026, 12, 4)  # a Friday
PLAIN = DateRules()
INCIDENT = DateRules(earliest_year=1950, month_only=True)
LOST = DateRules(oldest=timedelta(days=366), same_weekday_is_today=True)


def parse(text, rules=PLAIN, today=TODAY):
    return parse_day(text, today=today, rules=rules)


def reason(text, rules=PLAIN, today=TODAY):
    with pytest.raises(ParseError) as error:
        parse(text, rules, today)
    return error.value.reason


@pytest.mark.parametrize("typed", ["29/2", "29 Feb", "February 29th"])
def test_29_february_without_a_year_is_the_most_recent_one(typed):
    assert parse(typed) == date(2024, 2, 29)
    assert parse(typed, today=date(2028, 3, 1)) == date(2028, 2, 29)
    assert parse(typed, today=date(2028, 2, 28)) == date(2024, 2, 29)  # not yet this year: the leap year before
    assert reason(typed, LOST) == "too_old"  # a real day, only too long ago to search


def test_29_february_of_a_year_without_one_is_no_date():
    assert reason("29/02/2025") == "format"


@pytest.mark.parametrize("typed", ["2026/11/12", "2026.11.12", "on 2026/11/12 at 10"])
def test_year_first_dates_are_year_month_day(typed):
    assert parse(typed) == date(2026, 11, 12)  # never the "11/12" at its end read as 11 December 2025


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("3/4/98", date(1998, 4, 3)), ("14 Nov 99", date(1999, 11, 14)), ("in March 85", date(1985, 3, 1))],
)
def test_a_two_digit_year_after_this_one_is_last_century(typed, expected):
    assert parse(typed, INCIDENT) == expected


def test_a_two_digit_year_up_to_this_one_is_this_century():
    assert parse("3/4/26", INCIDENT) == date(2026, 4, 3)
    assert parse("3/4/05", INCIDENT) == date(2005, 4, 3)


@pytest.mark.parametrize("typed", ["3 Dec 10:30", "3 Dec 10.30", "on 3 December 11 pm", "Dec 3 11am", "3rd Dec 10pm"])
def test_a_time_after_a_date_is_not_its_year(typed):
    assert parse(typed) == date(2026, 12, 3)
    assert parse(typed, LOST) == date(2026, 12, 3)


def test_last_month_is_in_the_month_before():
    assert parse("last month", today=date(2027, 3, 31)) == date(2027, 2, 28)
    assert parse("last month", today=date(2026, 5, 31)) == date(2026, 4, 30)
    assert parse("last month") == date(2026, 11, 4)


def test_last_year_is_in_the_year_before():
    assert parse("last year", today=date(2028, 12, 31)) == date(2027, 12, 31)  # 2028 is a leap year
    assert parse("last year", today=date(2028, 2, 29)) == date(2027, 2, 28)
    assert parse("last year", LOST) == date(2025, 12, 4)


def test_a_year_ago_on_the_31st_is_still_within_a_year():
    assert parse("a year ago", LOST, today=date(2026, 12, 31)) == date(2025, 12, 31)
    assert parse("a month ago", today=date(2026, 5, 31)) == date(2026, 4, 30)


def test_months_back_keeps_the_day_when_the_month_has_it():
    assert months_back(date(2026, 5, 31), 1) == date(2026, 4, 30)
    assert months_back(date(2026, 12, 31), 12) == date(2025, 12, 31)
    assert months_back(date(2028, 3, 30), 1) == date(2028, 2, 29)


def test_last_month_name_said_in_that_month_is_a_year_ago():
    assert parse("last December", INCIDENT) == date(2025, 12, 1)
    assert parse("in December", INCIDENT) == date(2026, 12, 1)  # this month, so far
    assert parse("last November", INCIDENT) == date(2026, 11, 1)
