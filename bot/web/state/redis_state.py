"""The shared state in Redis (REDIS_URL): several web instances see the same limits, replies and forgotten senders.

Keys start with `hpcc:` and every one expires, so Redis never fills with old conversations. A rate-limit
window is a sorted set of event times, checked and recorded for all of a request's limits in one Lua script
(atomic: two instances never both take the last place). Each message's replies have a key of their own that
expires its ttl after they were stored, whatever comes later in the conversation (they can hold a complaint's
read-back); a per-conversation index of message ids lets a forget find them. If Redis stops answering, chats
go on without limits or replays (logged) rather than stopping for everyone; /healthz says "not ok".
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable

import redis.asyncio as redis
from redis.exceptions import RedisError

from bot.web.state.base import FORGOTTEN_TTL, REPLAY_TTL, Limit, Replies

log = logging.getLogger(__name__)

PREFIX = "hpcc:"
# KEYS: the windows; ARGV: now (ms), a unique member, then limit and window (ms) for each key.
HIT_SCRIPT = """
local now = tonumber(ARGV[1])
local waits = {}
local full = false
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  waits[i] = '0'
  if count >= limit then
    local first = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    waits[i] = tostring(tonumber(first[2]) + window - now)
    full = true
  end
end
if not full then
  for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[2])
    redis.call('PEXPIRE', key, tonumber(ARGV[2 + 2 * i]))
  end
end
return waits
"""


# KEYS: the key; ARGV: now (ms), the limit, the ticket's expiry (ms), the ticket, its ttl (ms).
ENTER_SCRIPT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""


# KEYS: the replies' key, the conversation's index, the claim; ARGV: the message id, the replies, the ttl (ms).
# Redis's own clock (TIME) for the index's deadlines, the one that expires the replies' keys.
STORE_SCRIPT = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. now)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('DEL', KEYS[3])
"""

# KEYS: the replies' key, the claim; ARGV: the claim's ttl (ms). One script: replies stored between a check and
# the claim would otherwise let a resend claim an answered message and reach Rasa a second time.
CLAIM_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', tonumber(ARGV[1])) then
  return 1
end
return 0
"""

# KEYS: the conversation's index, the hash of replies of earlier releases; ARGV: its replies' keys' prefix.
# One script: a reply stored between reading the index and deleting it would be kept with nothing to find it.
# (It names keys it was not given, which one Redis server allows; Redis Cluster would not.)
FORGET_SCRIPT = """
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  redis.call('DEL', ARGV[1] .. id)
end
redis.call('DEL', KEYS[1], KEYS[2])
"""


class RedisState:
    """The shared state on a Redis server, through redis-py's asyncio client."""

    def __init__(
        self,
        url: str,
        clock: Callable[[], float] = time.time,
        replay_ttl: float = REPLAY_TTL,
        forgotten_ttl: float = FORGOTTEN_TTL,
    ) -> None:
        # Wall-clock time, not monotonic: the instances sharing Redis must agree on "now". (Expiry of keys is
        # Redis's own clock.)
        self._clock = clock
        self.replay_ttl = replay_ttl
        self.forgotten_ttl = forgotten_ttl
        self._client = redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self._hit = self._client.register_script(HIT_SCRIPT)
        self._enter = self._client.register_script(ENTER_SCRIPT)
        self._store = self._client.register_script(STORE_SCRIPT)
        self._claim_script = self._client.register_script(CLAIM_SCRIPT)
        self._forget = self._client.register_script(FORGET_SCRIPT)
        self._last_warning = 0.0

    def _failed(self, what: str) -> None:
        if time.monotonic() - self._last_warning > 60:  # once a minute, not once a request
            self._last_warning = time.monotonic()
            log.warning("Redis did not answer (%s): carrying on without shared state", what)

    async def hit(self, limits: list[Limit]) -> list[float]:
        """Seconds to wait per limit; the event is recorded under all of them only if all have room."""
        if not limits:
            return []
        args: list[str | int] = [int(self._clock() * 1000), uuid.uuid4().hex]
        for limit in limits:
            args += [limit.limit, int(limit.window * 1000)]
        try:
            waits = await self._hit(keys=[f"{PREFIX}rate:{limit.key}" for limit in limits], args=args)
        except RedisError:
            self._failed("rate limits")
            return [0.0 for _ in limits]
        return [float(wait) / 1000 for wait in waits]

    async def enter(self, key: str, limit: int, ttl: float) -> str | None:
        """A ticket for one more request in flight under the key, if there is room."""
        now, life = int(self._clock() * 1000), int(ttl * 1000)
        ticket = uuid.uuid4().hex
        try:
            entered = await self._enter(keys=[f"{PREFIX}flight:{key}"], args=[now, limit, now + life, ticket, life])
        except RedisError:
            self._failed("requests in flight")
            return ticket
        return ticket if entered else None

    async def leave(self, key: str, ticket: str) -> None:
        """The request with this ticket is over."""
        try:
            await self._client.zrem(f"{PREFIX}flight:{key}", ticket)
        except RedisError:
            self._failed("requests in flight")

    async def replay_get(self, sender: str, message_id: str) -> Replies | None:
        """The stored replies of this message, if it was answered."""
        try:
            raw = await self._client.get(self._reply(sender, message_id))
        except RedisError:
            self._failed("replay cache")
            return None
        return None if raw is None else json.loads(raw)

    async def replay_claim(self, sender: str, message_id: str, ttl: float) -> bool:
        """Claim the message for relaying (False if claimed or answered already)."""
        try:
            keys = [self._reply(sender, message_id), self._claim(sender, message_id)]
            claimed = await self._claim_script(keys=keys, args=[int(ttl * 1000)])
        except RedisError:
            self._failed("replay cache")
            return True  # no shared state: relay it (as without a message id)
        return bool(claimed)

    async def replay_store(self, sender: str, message_id: str, replies: Replies) -> None:
        """Keep the replies for retries (for the replay ttl from now), and end the claim."""
        keys = [self._reply(sender, message_id), self._index(sender), self._claim(sender, message_id)]
        try:
            await self._store(keys=keys, args=[message_id, json.dumps(replies), int(self.replay_ttl * 1000)])
        except RedisError:
            self._failed("replay cache")

    async def replay_release(self, sender: str, message_id: str) -> None:
        """Give up a claim so that a retry may relay the message."""
        try:
            await self._client.delete(self._claim(sender, message_id))
        except RedisError:
            self._failed("replay cache")

    async def replay_forget(self, sender: str) -> None:
        """Drop every stored reply of the conversation (claims expire by themselves)."""
        # The hash is where releases before per-message keys kept a conversation's replies: gone within a
        # replay ttl of the upgrade, but a forget meanwhile must still delete it.
        keys = [self._index(sender), f"{PREFIX}replies:{sender}"]
        try:
            await self._forget(keys=keys, args=[self._reply(sender, "")])
        except RedisError:
            self._failed("replay cache")

    async def forgotten_add(self, sender: str) -> None:
        """Remember that this conversation was forgotten."""
        try:
            await self._client.set(f"{PREFIX}forgotten:{sender}", "1", px=int(self.forgotten_ttl * 1000))
        except RedisError:
            self._failed("forgotten senders")

    async def forgotten_contains(self, sender: str) -> bool:
        """Whether this conversation was forgotten recently."""
        try:
            return bool(await self._client.exists(f"{PREFIX}forgotten:{sender}"))
        except RedisError:
            self._failed("forgotten senders")
            return False

    async def ping(self) -> bool:
        """Whether Redis answers."""
        try:
            return bool(await self._client.ping())
        except RedisError:
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    @staticmethod
    def _claim(sender: str, message_id: str) -> str:
        return f"{PREFIX}claim:{sender}:{message_id}"

    @staticmethod
    def _reply(sender: str, message_id: str) -> str:
        # A message id has no ':', so the last one ends the sender.
        return f"{PREFIX}reply:{sender}:{message_id}"

    @staticmethod
    def _index(sender: str) -> str:
        # Message ids only (no replies): it lives as long as the newest reply, and forget reads it.
        return f"{PREFIX}reply-ids:{sender}"
