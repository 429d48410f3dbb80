"""The restart policy: back-off doubling to a cap, failures counted in a sliding window, a stop when too many."""

from bot.restarts import RestartPolicy


def test_the_back_off_doubles_up_to_the_cap():
    policy = RestartPolicy(max_failures=10, window_seconds=1000, backoff_seconds=1, max_backoff_seconds=5)
    assert [policy.failed("rasa", t) for t in range(6)] == [1, 2, 4, 5, 5, 5]


def test_too_many_failures_in_the_window_stop():
    policy = RestartPolicy(max_failures=3, window_seconds=60, backoff_seconds=1)
    assert policy.failed("rasa", 0) == 1
    assert policy.failed("rasa", 10) == 2
    assert policy.failed("rasa", 20) is None


def test_old_failures_leave_the_window_and_services_count_apart():
    policy = RestartPolicy(max_failures=3, window_seconds=60, backoff_seconds=1)
    assert policy.failed("rasa", 0) == 1
    assert policy.failed("web", 1) == 1  # another service's failures are its own
    assert policy.failed("rasa", 30) == 2
    assert policy.failed("rasa", 100) == 1  # the failures at 0 and 30 are over 60 s old: back to the first step
    assert policy.recent("rasa", 100) == 1


def test_starts_that_never_become_healthy_stop_however_far_apart():
    # A service that is never ready fails once per startup timeout, which may be longer than the window: counted
    # in the window alone, it would be restarted for ever.
    policy = RestartPolicy(max_failures=3, window_seconds=60, backoff_seconds=1)
    assert policy.failed("rasa", 0, was_healthy=False) == 1
    assert policy.failed("rasa", 400, was_healthy=False) == 2  # the back-off still doubles
    assert policy.failed("rasa", 800, was_healthy=False) is None
    assert policy.in_a_row("rasa") == 3


def test_a_healthy_run_between_failures_starts_the_count_again():
    policy = RestartPolicy(max_failures=3, window_seconds=60, backoff_seconds=1)
    assert policy.failed("rasa", 0, was_healthy=False) == 1
    assert policy.failed("rasa", 400, was_healthy=False) == 2
    assert policy.failed("rasa", 800) == 1  # it was healthy before this failure
    assert policy.in_a_row("rasa") == 0
    assert policy.failed("rasa", 1200, was_healthy=False) == 1
