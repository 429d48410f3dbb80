"""Sign-in throttling in front of the password check: a back-off per client address and a ceiling for everyone.

- Per client address: ADDRESS_FREE_FAILURES wrong sign-ins go free; after that the address must wait 1, 2, 4...
  seconds (at most ADDRESS_MAX_BACKOFF) after each failure before it may try again, and attempts made while
  it waits are refused at once, without a password check. A check still running counts as a failure until it
  is answered: an address cannot spend more than its free failures at once, and once it has to wait, it gets
  one check per wait, however many it sends together (the others are refused like attempts while it waits).
  An address's failures are forgotten an hour after its last one. Only the address that guessed waits: no
  account is ever locked.
- For everyone: at most `per_minute` password checks a minute, and at most MAX_PENDING_CHECKS running or queued
  at once, so a flood of sign-ins from many addresses cannot take the machine from the public chat (signed-in
  staff are not affected: sessions and tokens need no password check).

Kept in memory per web process, like the chat's rate limits: several web processes each keep their own.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

ADDRESS_FREE_FAILURES = 5
ADDRESS_BACKOFF_BASE = 1.0  # seconds, doubled by each further failure
ADDRESS_MAX_BACKOFF = 300.0
ADDRESS_MEMORY = 3600.0  # seconds after its last failure that an address is forgotten
MAX_ADDRESSES = 50_000  # the oldest are forgotten first beyond this, so memory stays bounded
MAX_PENDING_CHECKS = 8
GLOBAL_WINDOW = 60.0
BUSY_RETRY_AFTER = 2


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in was not even checked, and after how many whole seconds to try again."""

    reason: Literal["address", "busy"]
    retry_after: int


@dataclass
class _Failures:
    count: int
    last: float


class SignInThrottle:
    """Admit sign-ins to the password check, or refuse them with a time to wait."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._addresses: OrderedDict[str, _Failures] = OrderedDict()
        self._checks: deque[float] = deque()
        self._in_flight: dict[str, int] = {}  # admitted and not yet done, per address (at most MAX_PENDING_CHECKS)
        self.pending = 0

    def backoff(self, failures: int) -> float:
        """Seconds an address must wait after its latest failure, given how many it has made."""
        if failures < ADDRESS_FREE_FAILURES:
            return 0.0
        return min(ADDRESS_BACKOFF_BASE * 2.0 ** min(failures - ADDRESS_FREE_FAILURES, 30), ADDRESS_MAX_BACKOFF)

    def address_wait(self, address: str) -> float:
        """Seconds this address must still wait before its next sign-in is checked (0: none)."""
        now = self._clock()
        failures = self._addresses.get(address)
        if failures is None or now - failures.last >= ADDRESS_MEMORY:
            return 0.0
        return max(0.0, failures.last + self.backoff(failures.count) - now)

    def _count(self, address: str) -> int:
        failures = self._addresses.get(address)
        return 0 if failures is None or self._clock() - failures.last >= ADDRESS_MEMORY else failures.count

    def admit(self, address: str) -> Refusal | None:
        """Reserve a password check for this address (call `done` afterwards), or say why not."""
        wait = self.address_wait(address)
        if wait > 0:
            return Refusal("address", math.ceil(wait))
        # Checks in flight count as failures until answered: without this, requests sent together would all
        # pass the back-off (which only counts answered failures) and get a check each.
        in_flight = self._in_flight.get(address, 0)
        if in_flight and self._count(address) + in_flight >= ADDRESS_FREE_FAILURES:
            earned = self.backoff(self._count(address) + in_flight)
            return Refusal("address", max(1, math.ceil(earned)))
        if self.pending >= MAX_PENDING_CHECKS:
            return Refusal("busy", BUSY_RETRY_AFTER)
        now = self._clock()
        while self._checks and now - self._checks[0] >= GLOBAL_WINDOW:
            self._checks.popleft()
        if len(self._checks) >= self.per_minute:
            return Refusal("busy", max(1, math.ceil(GLOBAL_WINDOW - (now - self._checks[0]))))
        self._checks.append(now)
        self.pending += 1
        self._in_flight[address] = in_flight + 1
        return None

    def done(self, address: str, *, succeeded: bool, answered_in: float = 0.0) -> float:
        """Release an admitted check; a failure counts against the address. Returns the back-off it earned (s).

        `answered_in`: the seconds the answer is held back (the delay for the e-mail address); the back-off
        runs from when the answer goes out, so a slowed answer does not use it up.
        """
        self.pending = max(0, self.pending - 1)
        in_flight = self._in_flight.pop(address, 0) - 1
        if in_flight > 0:
            self._in_flight[address] = in_flight
        if succeeded:
            return 0.0  # a success does not wipe the count: one good account must not reset a guesser's back-off
        now = self._clock() + answered_in
        failures = self._addresses.pop(address, None)
        if failures is None or now - failures.last >= ADDRESS_MEMORY:
            failures = _Failures(0, now)
        failures.count += 1
        failures.last = now
        self._addresses[address] = failures  # most recent last, so the oldest go first when memory is full
        while len(self._addresses) > MAX_ADDRESSES:
            self._addresses.popitem(last=False)
        return self.backoff(failures.count)


SIGN_IN_THROTTLE = web.AppKey("staff_sign_in_throttle", SignInThrottle)
