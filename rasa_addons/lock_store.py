"""Rasa's Redis lock store, made safe for replicas that die: atomic tickets, and a dead holder's ticket let go.

Rasa's RedisLockStore queues the turns of one conversation on tickets kept in one Redis key. Two weaknesses
show when replicas share it (scale drill 3, bench/scale/drills.py):
- a replica killed mid-turn leaves its ticket behind, and every later turn of that conversation waits until the
  ticket's lifetime runs out (TICKET_LOCK_LIFETIME): the resident's retries all time out first and they give up;
- every change is a read, then a write: two replicas issuing or returning tickets at once can lose one.

This store records which process holds each ticket, keeps a short-lived "alive" key per process (refreshed by
a daemon thread), and a waiting turn drops the tickets of processes whose key has lapsed, so a dead replica's
conversations carry on after `liveness_seconds` instead of the lifetime. Every change is one Redis transaction
(WATCH/MULTI). The lifetime still bounds a live holder that hangs.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

HOLDERS = "holders"  # in the lock's JSON beside Rasa's own fields: ticket number -> holding process
DEFAULT_LIVENESS_SECONDS = 5.0


def _none_if_blank(value: Any) -> Any:
    """endpoints.yml's ${VARS} arrive as "" when unset."""
    return None if value in ("", None) else value


class LivenessLockStore(RedisLockStore):
    """RedisLockStore whose tickets are changed atomically and released when their holding process is gone.

    `url` is either a whole Redis URL (redis://, rediss://, unix://: what bot/supervisor.py passes, REDIS_URL
    as the web app reads it, so a username, TLS or a socket are kept) or, as in Rasa's own store, a host name
    with `port`, `db` and `password` beside it.
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options = {**(endpoint_config.kwargs if endpoint_config else {}), **kwargs}
        url = _none_if_blank(endpoint_config.url if endpoint_config else None) or options.pop("host", "localhost")
        self.liveness_seconds = float(options.pop("liveness_seconds", DEFAULT_LIVENESS_SECONDS))
        password = _none_if_blank(options.pop("password", None))
        port, db = _none_if_blank(options.pop("port", None)), _none_if_blank(options.pop("db", None))
        whole_url = "://" in url
        super().__init__(
            host="localhost" if whole_url else url,
            port=6379 if port is None else int(port),
            db=1 if db is None else int(db),  # Rasa's default; "0" is a database like any other
            password=unquote(password) if password else None,
            key_prefix=_none_if_blank(options.pop("key_prefix", None)),
        )
        if whole_url:
            # Replaces the client Rasa made above (it connects lazily: never used). redis-py reads every part of
            # the URL as the web app's redis.from_url does; Rasa's socket timeout is kept (a query may change it).
            # The URL holds the password: it is never logged, and the client's repr shows only host, port and db.
            self.red = redis.Redis.from_url(url, socket_timeout=DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)
        # Unique per process start: a replica restarted under the same name does not inherit its old tickets.
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._heartbeat: threading.Thread | None = None
        self._stopped = threading.Event()

    # The holding process's liveness.
    def _alive_key(self, instance: str) -> str:
        return f"{self.key_prefix}alive:{instance}"

    def _beat(self) -> None:
        self.red.set(self._alive_key(self.instance), "1", px=int(self.liveness_seconds * 1000))

    def _ensure_alive(self) -> None:
        """Mark this process alive now, and keep it so from a daemon thread (started on first use, not at import)."""
        if self._heartbeat is not None and self._heartbeat.is_alive():
            return
        self._beat()
        self._stopped.clear()
        self._heartbeat = threading.Thread(target=self._keep_alive, name="lock-store-heartbeat", daemon=True)
        self._heartbeat.start()

    def _keep_alive(self) -> None:
        # A third of the liveness period between beats: two can be missed (a busy moment) before others let go.
        while not self._stopped.wait(self.liveness_seconds / 3):
            try:
                self._beat()
            except Exception:  # Redis away for a moment: keep trying, never let the thread die
                logger.warning("Lock store heartbeat failed; retrying", exc_info=True)

    def stop_heartbeat(self) -> None:
        """Stop marking this process alive (shutdown; tests simulating a dead replica)."""
        self._stopped.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=self.liveness_seconds)

    # Atomic changes to one conversation's lock.
    def _change(self, conversation_id: str, change: Callable[[TicketLock, dict[str, str]], Any]) -> Any:
        """Apply `change` to the lock (and its holders) in one transaction, retried when another writer won."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    data = json.loads(raw) if raw else {"conversation_id": conversation_id}
                    lock = TicketLock.from_dict(data)
                    holders = {str(k): str(v) for k, v in (data.get(HOLDERS) or {}).items()}
                    result = change(lock, holders)
                    if not raw and not lock.tickets:  # nothing stored and nothing to store
                        pipe.unwatch()
                        return result
                    pipe.multi()
                    if lock.tickets:
                        live = {str(t.number) for t in lock.tickets}
                        body = json.loads(lock.dumps())
                        body[HOLDERS] = {k: v for k, v in holders.items() if k in live}
                        pipe.set(key, json.dumps(body))
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket held by this process."""
        try:
            self._ensure_alive()

            def issue(lock: TicketLock, holders: dict[str, str]) -> int:
                number = lock.issue_ticket(lock_lifetime)
                holders[str(number)] = self.instance
                return number

            return int(self._change(conversation_id, issue))
        except LockError:
            raise
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets and those whose holding process is no longer alive."""

        def prune(lock: TicketLock, holders: dict[str, str]) -> None:
            lock.remove_expired_tickets()
            # The holders read under the transaction's watch: whose heartbeats have lapsed (never this process's).
            instances = sorted(set(holders.values()) - {self.instance})
            beats = self.red.mget([self._alive_key(i) for i in instances]) if instances else []
            dead = {instance for instance, beat in zip(instances, beats, strict=True) if beat is None}
            for ticket in list(lock.tickets):
                if holders.get(str(ticket.number)) in dead:
                    logger.warning("Releasing a conversation's lock ticket whose holder stopped (a replica died)")
                    lock.tickets.remove(ticket)

        self._change(conversation_id, prune)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket."""
        self._change(conversation_id, lambda lock, holders: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket; the lock goes with its last ticket (one transaction, so no waiter is deleted)."""
        self.finish_serving(conversation_id, ticket_number)
