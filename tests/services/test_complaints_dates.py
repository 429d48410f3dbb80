"""What residents type for "when did it happen", and working-day due dates."""

from datetime import date, datetime, timezone

import pytest

from bot.services.complaints_dates import DateError, add_working_days, parse_incident_date, today_in_london

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", date(2026, 11, 21)),
        ("yesterday", date(2026, 11, 20)),
        ("last night about 11pm", date(2026, 11, 20)),
        ("last Tuesday", date(2026, 11, 17)),
        ("on Saturday", date(2026, 11, 14)),  # today is Saturday: the one before
        ("2 weeks ago", date(2026, 11, 7)),
        ("three days ago", date(2026, 11, 18)),
        ("a couple of months ago", date(2026, 9, 21)),
        ("3/4/2026", date(2026, 4, 3)),  # UK order
        ("03.04.26", date(2026, 4, 3)),
        ("2026-03-04", date(2026, 3, 4)),
        ("3rd March", date(2026, 3, 3)),
        ("the 5th of November", date(2026, 11, 5)),
        ("December 24", date(2025, 12, 24)),  # no year: the most recent one
        ("March 3rd 2025", date(2025, 3, 3)),
        ("in October 2025", date(2025, 10, 1)),
        ("last December", date(2025, 12, 1)),
        ("it was on 12 Sept 2025 in the evening", date(2025, 9, 12)),
    ],
)
def test_dates_as_residents_type_them(typed, expected):
    assert parse_incident_date(typed, today=TODAY) == expected


@pytest.mark.parametrize("typed", ["no idea", "it may have been", "31/02/2026", "", "the 40th of March"])
def test_what_is_not_a_date(typed):
    with pytest.raises(DateError) as error:
        parse_incident_date(typed, today=TODAY)
    assert error.value.reason == "format"


@pytest.mark.parametrize("typed", ["tomorrow's date 22/11/2026", "1 January 2027", "2026-12-01"])
def test_future_dates_are_refused(typed):
    with pytest.raises(DateError) as error:
        parse_incident_date(typed, today=TODAY)
    assert error.value.reason == "future"


def test_working_days_skip_weekends_and_bank_holidays():
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday -> Monday
    assert add_working_days(date(2026, 11, 21), 5) == date(2026, 11, 27)  # from a Saturday
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)  # Christmas and Boxing Day (28th)
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)  # Good Friday and Easter Monday


def test_today_is_hertfordshire_time():
    assert today_in_london(datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)) == date(2026, 7, 2)  # BST
    assert today_in_london(datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)) == date(2026, 12, 1)
