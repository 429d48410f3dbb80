"""Makes the tracker store as Rasa does (in .venv-rasa, this process's environment) and prints its engines' pools.

    SQL_POOL_SIZE=10 .venv-rasa/bin/python tests/rasa_addons/tracker_pool_probe.py FILE

FILE is a SQLite database to make (the store's); the PostgreSQL engine is never connected.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa

from rasa_addons import tracker_tables
from rasa_addons.tracker_store import RedactingTrackerStore


def pool(engine: sa.engine.Engine) -> dict[str, Any]:
    """The engine's pool: its class, size and overflow."""
    return {"class": type(engine.pool).__name__, "size": engine.pool.size(), "overflow": engine.pool._max_overflow}


def main() -> None:
    """The store's engine on a SQLite file (as endpoints.yml gives it), and a PostgreSQL engine (not connected)."""
    url = f"sqlite:///{sys.argv[1]}"
    with sa.create_engine(url).begin() as connection:  # the web app's migrations would have made it
        tracker_tables.FORGOTTEN.create(connection)
    store = RedactingTrackerStore(url=url)
    postgres = tracker_tables.create_engine("postgresql://bot@127.0.0.1:1/bot")
    print(json.dumps({"sqlite": pool(store.engine), "postgresql": pool(postgres)}))


if __name__ == "__main__":
    main()
