"""One date grammar for every "when?": explicit dates, relative phrases, weekdays, and each question's rules."""

from datetime import date, timedelta

import pytest

from bot.services.parsing import ParseError
from bot.services.parsing.dates import DateRules, long_date, months_back, parse_day

TODAY = date(2026, 11, 21)  # a Saturday
PLAIN = DateRules()
INCIDENT = DateRules(earliest_year=1950, month_only=True)
LOST = DateRules(oldest=timedelta(days=366), same_weekday_is_today=True)


def parse(text, rules=PLAIN, today=TODAY):
    return parse_day(text, today=today, rules=rules)


def reason(text, rules=PLAIN):
    with pytest.raises(ParseError) as error:
        parse(text, rules)
    return error.value.reason


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-03-04", date(2026, 3, 4)),
        ("3/4/2026", date(2026, 4, 3)),  # UK order: day first
        ("03.04.26", date(2026, 4, 3)),
        ("3-4-2026", date(2026, 4, 3)),
        ("14/11", date(2026, 11, 14)),  # no year: the most recent one
        ("25/12", date(2025, 12, 25)),
        ("3rd March", date(2026, 3, 3)),
        ("the 5th of November", date(2026, 11, 5)),
        ("12 Sept. 2025", date(2025, 9, 12)),
        ("March 3rd, 2025", date(2025, 3, 3)),
        ("Nov 3rd", date(2026, 11, 3)),
        ("December 24", date(2025, 12, 24)),
        ("3 march 25", date(2025, 3, 3)),  # a two-digit year is this century
        ("IT WAS ON 12 SEPT 2025 IN THE EVENING", date(2025, 9, 12)),  # inside a sentence, any case
    ],
)
def test_explicit_dates(typed, expected):
    assert parse(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", TODAY),
        ("this morning", TODAY),
        ("just now", TODAY),
        ("earlier", TODAY),
        ("yesterday", date(2026, 11, 20)),
        ("last night about 11pm", date(2026, 11, 20)),
        ("the day before yesterday", date(2026, 11, 19)),
        ("day before yesterday", date(2026, 11, 19)),
        ("last week", date(2026, 11, 14)),
        ("last month", date(2026, 10, 21)),  # a calendar month back
        ("last year", date(2025, 11, 21)),
        ("over the weekend", date(2026, 11, 14)),  # on a Saturday: the Saturday before
        ("3 days ago", date(2026, 11, 18)),
        ("a couple of days ago", date(2026, 11, 19)),
        ("couple of nights ago", date(2026, 11, 19)),
        ("a few days ago", date(2026, 11, 18)),
        ("2 weeks ago", date(2026, 11, 7)),
        ("a couple of months ago", date(2026, 9, 21)),  # calendar months
        ("two years ago", date(2024, 11, 21)),
        ("last Tuesday", date(2026, 11, 17)),
        ("on monday", date(2026, 11, 16)),
        ("weds", date(2026, 11, 18)),
        ("thurs evening", date(2026, 11, 19)),
        ("last saturday", date(2026, 11, 14)),
    ],
)
def test_relative_dates(typed, expected):
    assert parse(typed) == expected


def test_an_explicit_date_wins_over_a_weekday_and_times_are_not_dates():
    assert parse("Saturday 3rd October") == date(2026, 10, 3)
    assert parse("yesterday at 10.10") == date(2026, 11, 20)  # 10.10 is a time, not 10 October
    assert parse("yesterday between 3-4") == date(2026, 11, 20)
    assert parse("about 10.30 on 3/4/2026") == date(2026, 4, 3)


def test_earlier_this_year_is_not_today():
    assert reason("earlier this year") == "format"


@pytest.mark.parametrize("typed", ["", "no idea", "it may have been", "31/02/2026", "31/02", "the 40th of March"])
def test_what_is_not_a_date(typed):
    assert reason(typed) == "format"


@pytest.mark.parametrize("typed", ["tomorrow", "tomorrow's date 22/11/2026", "1 January 2027", "2026-12-01"])
def test_the_future_is_refused(typed):
    assert reason(typed) == "future"


def test_a_month_alone_only_where_the_question_allows_it():
    assert parse("in October 2025", INCIDENT) == date(2025, 10, 1)
    assert parse("last December", INCIDENT) == date(2025, 12, 1)
    assert parse("March 2025", INCIDENT) == date(2025, 3, 1)
    assert parse("in November", INCIDENT) == date(2026, 11, 1)
    assert reason("in October 2025", LOST) == "format"
    assert reason("it may have been", INCIDENT) == "format"  # "may" alone is not May


def test_the_same_weekday_is_a_week_ago_or_today_by_the_rules():
    assert parse("on Saturday", INCIDENT) == date(2026, 11, 14)
    assert parse("on Saturday", LOST) == TODAY
    assert parse("last Saturday", LOST) == date(2026, 11, 14)


def test_too_old_and_too_early_by_the_rules():
    assert reason("1/1/2024", LOST) == "too_old"
    assert parse("21/11/2025", LOST) == date(2025, 11, 21)
    assert reason("3/4/1949", INCIDENT) == "format"
    assert parse("3/4/1950", INCIDENT) == date(1950, 4, 3)


def test_months_back_keeps_the_day_up_to_the_28th():
    assert months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_back(date(2026, 1, 15), 2) == date(2025, 11, 15)


def test_dates_are_written_as_residents_write_them():
    assert long_date(date(2026, 11, 17)) == "Tuesday 17 November 2026"
    assert long_date(date(2026, 11, 3), weekday=False) == "3 November 2026"
