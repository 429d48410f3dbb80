"""Working-day due dates: weekends and England and Wales bank holidays do not count."""

from datetime import date

from bot.services.complaints.working_days import add_working_days


def test_working_days_skip_weekends_and_bank_holidays():
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday -> Monday
    assert add_working_days(date(2026, 11, 21), 5) == date(2026, 11, 27)  # from a Saturday
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)  # Christmas and Boxing Day (28th)
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)  # Good Friday and Easter Monday
