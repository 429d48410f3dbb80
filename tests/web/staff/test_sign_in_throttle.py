"""The sign-in throttle on its own, with a hand-wound clock: per-address back-off, the pending bound, the ceiling."""

import pytest

from bot.web.staff import sign_in_throttle
from bot.web.staff.sign_in_throttle import Refusal, SignInThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def fail(throttle, address, times=1):
    """Fail `times` sign-ins from the address, each as soon as its back-off allows."""
    for _ in range(times):
        throttle._clock.now += throttle.address_wait(address)
        assert throttle.admit(address) is None
        throttle.done(address, succeeded=False)


def test_an_address_backs_off_after_its_free_failures_doubling_to_a_cap(clock):
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    fail(throttle, "198.51.100.7", sign_in_throttle.ADDRESS_FREE_FAILURES - 1)
    assert throttle.address_wait("198.51.100.7") == 0
    waits = []
    for _ in range(12):
        fail(throttle, "198.51.100.7")
        waits.append(throttle.address_wait("198.51.100.7"))
        assert throttle.admit("198.51.100.7") == Refusal("address", int(waits[-1]))  # refused without a check
        clock.now += waits[-1]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]


def test_only_the_guessing_address_waits(clock):
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    fail(throttle, "198.51.100.7", 8)
    assert throttle.admit("198.51.100.7").reason == "address"
    assert throttle.admit("203.0.113.9") is None


def test_a_success_does_not_wipe_a_guessers_count(clock):
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    fail(throttle, "198.51.100.7", sign_in_throttle.ADDRESS_FREE_FAILURES)
    clock.now += 1
    assert throttle.admit("198.51.100.7") is None
    throttle.done("198.51.100.7", succeeded=True)
    fail(throttle, "198.51.100.7")
    assert throttle.address_wait("198.51.100.7") == 2


def test_failures_are_forgotten_an_hour_after_the_last(clock):
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    fail(throttle, "198.51.100.7", 9)
    clock.now += sign_in_throttle.ADDRESS_MEMORY
    assert throttle.address_wait("198.51.100.7") == 0
    fail(throttle, "198.51.100.7", sign_in_throttle.ADDRESS_FREE_FAILURES - 1)
    assert throttle.address_wait("198.51.100.7") == 0  # counting starts again


def test_pending_checks_are_bounded(clock):
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    for number in range(sign_in_throttle.MAX_PENDING_CHECKS):
        assert throttle.admit(f"10.0.0.{number}") is None
    assert throttle.admit("10.0.1.1") == Refusal("busy", sign_in_throttle.BUSY_RETRY_AFTER)
    throttle.done("10.0.0.0", succeeded=True)
    assert throttle.admit("10.0.1.1") is None


def test_the_global_ceiling_counts_checks_per_minute(clock):
    throttle = SignInThrottle(per_minute=3, clock=clock)
    for number in range(3):
        assert throttle.admit(f"10.0.0.{number}") is None
        throttle.done(f"10.0.0.{number}", succeeded=True)
        clock.now += 10
    assert throttle.admit("10.0.0.9") == Refusal("busy", 30)  # the first check leaves the window in 30 s
    clock.now += 30
    assert throttle.admit("10.0.0.9") is None


def test_memory_stays_bounded_under_many_addresses(clock, monkeypatch):
    monkeypatch.setattr(sign_in_throttle, "MAX_ADDRESSES", 100)
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    for number in range(1000):
        fail(throttle, f"2001:db8::{number:x}")
    assert len(throttle._addresses) == 100
    assert "2001:db8::3e7" in throttle._addresses and "2001:db8::0" not in throttle._addresses


def test_the_back_off_runs_from_when_a_slowed_answer_goes_out(clock):
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    fail(throttle, "198.51.100.7", sign_in_throttle.ADDRESS_FREE_FAILURES - 1)
    assert throttle.admit("198.51.100.7") is None
    assert throttle.done("198.51.100.7", succeeded=False, answered_in=4.0) == 1  # earned 1 s of back-off
    clock.now += 4.5  # the answer went out 4 s from now: half a second into the back-off
    assert throttle.admit("198.51.100.7") == Refusal("address", 1)
    clock.now += 0.5
    assert throttle.admit("198.51.100.7") is None


def test_checks_in_flight_count_until_answered(clock):
    """Sent together, an address's sign-ins cannot spend more than its free failures, nor more than one check
    per wait once it has to wait: a check still running counts as a failure until its answer."""
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    address = "198.51.100.7"
    admitted = [throttle.admit(address) for _ in range(sign_in_throttle.MAX_PENDING_CHECKS)]
    assert admitted[: sign_in_throttle.ADDRESS_FREE_FAILURES] == [None] * sign_in_throttle.ADDRESS_FREE_FAILURES
    assert set(admitted[sign_in_throttle.ADDRESS_FREE_FAILURES :]) == {Refusal("address", 1)}
    for _ in range(sign_in_throttle.ADDRESS_FREE_FAILURES):
        throttle.done(address, succeeded=False)
    for round_ in range(3):
        clock.now += throttle.address_wait(address)
        assert throttle.admit(address) is None  # the one check of this wait...
        refused = throttle.admit(address)  # ...and the next, sent before its answer
        assert refused == Refusal("address", 2 ** (round_ + 1))  # as long as the running check would earn
        throttle.done(address, succeeded=False)
    assert throttle.admit("203.0.113.9") is None  # other addresses are not held up


def test_a_check_answered_right_frees_its_place(clock):
    throttle = SignInThrottle(per_minute=10_000, clock=clock)
    fail(throttle, "198.51.100.7", sign_in_throttle.ADDRESS_FREE_FAILURES)
    clock.now += throttle.address_wait("198.51.100.7")
    assert throttle.admit("198.51.100.7") is None
    throttle.done("198.51.100.7", succeeded=True)
    assert throttle.admit("198.51.100.7") is None  # no failure came of it: no wait, and nothing is in flight
    assert throttle._in_flight == {"198.51.100.7": 1} and throttle.pending == 1
    throttle.done("198.51.100.7", succeeded=True)
    assert throttle._in_flight == {} and throttle.pending == 0
