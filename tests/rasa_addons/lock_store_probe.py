"""Runs the lock store in .venv-rasa (where Rasa is) against a real Redis and prints what it saw as JSON.

    .venv-rasa/bin/python tests/rasa_addons/lock_store_probe.py REDIS_URL

Every store is made the way Rasa makes it from endpoints.yml (LockStore.create), as each replica would.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

URL = urlsplit(sys.argv[1])
LIFETIME = 600.0  # far longer than any scenario: a ticket let go early was let go for its dead holder


def store(prefix: str, liveness: float = 1.0) -> Any:
    """A replica's lock store, from an endpoints.yml-like config (strings, as ${VARS} give them)."""
    config = EndpointConfig(
        url=URL.hostname, type="rasa_addons.lock_store.LivenessLockStore", port=str(URL.port),
        db=URL.path.strip("/") or "0", password="", key_prefix=prefix, liveness_seconds=liveness,
    )  # fmt: skip
    return LockStore.create(config)


async def dead_holder() -> dict[str, Any]:
    """Replica A takes a conversation's lock and dies mid-turn (no more heartbeats, never returns the ticket)."""
    a, b = store("dead"), store("dead")
    a.issue_ticket("c", LIFETIME)
    a.stop_heartbeat()

    async def take() -> int:
        async with b.lock("c", LIFETIME, wait_time_in_seconds=0.2) as lock:
            return len(lock.tickets)

    try:  # 30 s: twenty times the liveness period, a twentieth of the ticket's lifetime
        return {"acquired": True, "tickets_then": await asyncio.wait_for(take(), timeout=30)}
    except asyncio.TimeoutError:
        return {"acquired": False}
    finally:
        b.stop_heartbeat()


async def live_holder() -> dict[str, Any]:
    """Replica A holds the lock and is alive: B waits (past the liveness period), then gets it once A returns it."""
    a, b = store("live"), store("live")
    ticket = a.issue_ticket("c", LIFETIME)

    async def take() -> bool:
        async with b.lock("c", LIFETIME, wait_time_in_seconds=0.2):
            return True

    try:
        await asyncio.wait_for(take(), timeout=3.0)  # three liveness periods
        waited = False
    except asyncio.TimeoutError:
        waited = True
    a.cleanup("c", ticket)
    after = await asyncio.wait_for(take(), timeout=10.0)
    left = b.red.exists(b.key_prefix + "c")
    a.stop_heartbeat()
    b.stop_heartbeat()
    return {"waited_while_alive": waited, "acquired_after_return": after, "keys_left": left}


def concurrent_tickets() -> dict[str, Any]:
    """Two replicas, eight threads each, issuing tickets on one conversation at once: none may be lost."""
    stores = [store("many"), store("many")]
    issued: list[int] = []
    guard = threading.Lock()

    def issue(replica: Any) -> None:
        for _ in range(25):
            number = replica.issue_ticket("c", LIFETIME)
            with guard:
                issued.append(number)

    threads = [threading.Thread(target=issue, args=(stores[n % 2],)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lock = stores[0].get_lock("c")
    for number in issued:  # each returned by the other replica, as a turn ends wherever it ran
        stores[(number + 1) % 2].cleanup("c", number)
    left = stores[0].red.exists(stores[0].key_prefix + "c")
    for replica in stores:
        replica.stop_heartbeat()
    return {"issued": len(issued), "distinct": len(set(issued)), "held": len(lock.tickets), "keys_left": left}


def created() -> list[Any]:
    """What Rasa's factory made: the class, and the Redis database it connects to."""
    made = store("created")
    return [type(made).__name__, made.red.connection_pool.connection_kwargs["db"]]


def main() -> None:
    """Run every scenario and print one JSON line."""
    report = {
        "created": created(),
        "dead_holder": asyncio.run(dead_holder()),
        "live_holder": asyncio.run(live_holder()),
        "concurrent": concurrent_tickets(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
