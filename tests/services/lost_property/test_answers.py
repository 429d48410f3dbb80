"""What residents type into the lost-item forms: the day, a contact and a name, with the reason a bad one fails."""

from datetime import date

import pytest

from bot.services.lost_property.answers import normalise_contact, normalise_name, parse_lost_date
from bot.services.lost_property.items import LostPropertyError

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("today", TODAY),
        ("yesterday", date(2026, 11, 20)),
        ("last night", date(2026, 11, 20)),
        ("3 days ago", date(2026, 11, 18)),
        ("a couple of days ago", date(2026, 11, 19)),
        ("last week", date(2026, 11, 14)),
        ("on Monday", date(2026, 11, 16)),
        ("last saturday", date(2026, 11, 14)),
        ("weds", date(2026, 11, 18)),
        ("14/11", date(2026, 11, 14)),
        ("14/11/2026", date(2026, 11, 14)),
        ("2026-11-14", date(2026, 11, 14)),
        ("the 3rd of November", date(2026, 11, 3)),
        ("Nov 3rd", date(2026, 11, 3)),
        ("25 December", date(2025, 12, 25)),  # a date later this year means last year
    ],
)
def test_lost_dates_are_understood(typed, day):
    assert parse_lost_date(typed, today=TODAY) == day


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("no idea", "date_format"), ("31/02", "date_format"), ("tomorrow", "date_future"), ("1/1/2024", "date_too_old")],
)
def test_unusable_dates_say_why(typed, reason):
    with pytest.raises(LostPropertyError, match=reason):
        parse_lost_date(typed, today=TODAY)


@pytest.mark.parametrize(
    ("typed", "contact"),
    [("07700 900123", "07700900123"), ("+44 (0)7700 900123", "07700900123"), ("Jo@Example.ORG", "jo@example.org"),
     ("my email is jo@example.org", "jo@example.org")],
)
def test_contacts_are_normalised(typed, contact):
    assert normalise_contact(typed) == contact


@pytest.mark.parametrize("typed", ["123", "call me", "jo@", "07700"])
def test_bad_contacts_are_refused(typed):
    with pytest.raises(LostPropertyError):
        normalise_contact(typed)


def test_names_are_trimmed_and_checked():
    assert normalise_name("my name is Jo O'Brien") == "Jo O'Brien"
    with pytest.raises(LostPropertyError):
        normalise_name("07700 900123")
