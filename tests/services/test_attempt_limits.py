"""The attempt limits every status check shares: when failures lock, and for how long."""

from datetime import datetime, timedelta, timezone

from bot.services import attempt_limits

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


# --- the lock rule ---------------------------------------------------------------------------------------------


def _minutes(*offsets):
    return [NOW + timedelta(minutes=offset) for offset in offsets]


def test_fewer_failures_than_the_limit_lock_nothing():
    assert attempt_limits.lock_end(_minutes(-30, -10), limit=3, now=NOW) is None


def test_the_failure_that_reaches_the_limit_locks_for_an_hour_from_then():
    assert attempt_limits.lock_end(_minutes(-30, -20, -10), limit=3, now=NOW) == NOW + timedelta(minutes=50)


def test_failures_spread_over_more_than_the_window_lock_nothing():
    assert attempt_limits.lock_end(_minutes(-100, -40, -10), limit=3, now=NOW) is None


def test_a_lock_ends_after_an_hour():
    assert attempt_limits.lock_end(_minutes(-90, -80, -70), limit=3, now=NOW) is None


def test_naive_times_from_sqlite_are_taken_as_utc():
    naive = [moment.replace(tzinfo=None) for moment in _minutes(-3, -2, -1)]
    assert attempt_limits.lock_end(naive, limit=3, now=NOW) == NOW + timedelta(minutes=59)
