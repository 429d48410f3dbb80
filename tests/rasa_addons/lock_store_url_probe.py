"""Makes the lock store from endpoints.yml as Rasa does, for each environment given, and prints what it saw as JSON.

    .venv-rasa/bin/python tests/rasa_addons/lock_store_url_probe.py '{"name": {"BOT_LOCK_STORE": ..., ...}}'

Each environment is what bot/supervisor.py lock_store_env gives Rasa; the store issues a ticket on a real Redis,
which is read back, then returns it. Everything is logged at DEBUG to stderr: the test checks no password shows.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import read_endpoint_config

ROOT = Path(__file__).resolve().parents[2]


def scenario(env: dict[str, str]) -> dict[str, Any]:
    """The store endpoints.yml makes under `env`: its client's connection, and a ticket issued and returned."""
    os.environ.update(env)
    store = LockStore.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store"))
    pool = store.red.connection_pool
    seen: dict[str, Any] = {
        "class": type(store).__name__,
        "connection_class": pool.connection_class.__name__,
        "username": pool.connection_kwargs.get("username"),
        "db": pool.connection_kwargs.get("db", 0),
        "socket_timeout": pool.connection_kwargs.get("socket_timeout"),
        "key_prefix": store.key_prefix,
        "repr": repr(store.red),
    }
    try:
        ticket = store.issue_ticket("url-probe", 60)
        seen["held"] = store.red.exists(store.key_prefix + "url-probe")
        store.cleanup("url-probe", ticket)
        seen["left"] = store.red.exists(store.key_prefix + "url-probe")
    except Exception as exc:  # the test shows the error (its type and text: Redis errors quote no password)
        seen["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        store.stop_heartbeat()
    return seen


def main() -> None:
    """Run every scenario and print one JSON line."""
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    print(json.dumps({name: scenario(env) for name, env in json.loads(sys.argv[1]).items()}))


if __name__ == "__main__":
    main()
