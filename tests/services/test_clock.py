"""The one clock: now in UTC, today in Hertfordshire."""

from datetime import date, datetime, timedelta, timezone

from bot.services import clock


def test_today_is_hertfordshire_time():
    assert clock.local_date(datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)) == date(2026, 7, 2)  # BST
    assert clock.local_date(datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)) == date(2026, 12, 1)


def test_now_is_utc_and_current():
    before = datetime.now(timezone.utc)
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(timezone.utc)


def test_today_is_the_local_date_of_now(monkeypatch):
    late_summer_evening = datetime(2026, 8, 31, 23, 15, tzinfo=timezone.utc)  # already 1 September in London
    monkeypatch.setattr(clock, "now", lambda: late_summer_evening)
    assert clock.today() == date(2026, 9, 1)


def test_naive_times_from_sqlite_are_utc():
    naive = datetime(2026, 7, 1, 23, 30)
    assert clock.aware(naive) == datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)
    assert clock.local_date(naive) == date(2026, 7, 2)
    aware = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert clock.aware(aware) is aware
