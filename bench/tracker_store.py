"""The tracker store's cost per turn as a conversation grows: Rasa's SQLTrackerStore against ours.

Run with the Rasa environment's Python (it imports Rasa), from the project root:

    .venv-rasa/bin/python bench/tracker_store.py [--turns 200] [--postgres postgresql://user@host/db]

Each turn does what Rasa's processor does with the store: get the tracker, add one turn's events (a message
with its parse data, the featurization marker, two actions, an answer, every third turn a slot), save. The
figure is the time of that retrieve + save, around a given turn (the median of 5 turns around it); the stores
take turns, so a busy machine slows them alike. Ours is
measured with its cache (one replica) and without (`cache_size=0`: as if each turn went to another replica).
On PostgreSQL the database must be empty (the script creates its tables).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    SlotSet,
    UserUttered,
)

from rasa_addons.tracker_store import RedactingTrackerStore

ROOT = Path(__file__).resolve().parents[1]
MEASURED_AT = (5, 150)
FORGOTTEN_TABLE = (
    "CREATE TABLE IF NOT EXISTS forgotten_conversations"
    " (sender_hash VARCHAR(64) PRIMARY KEY, forgotten_at TIMESTAMP NOT NULL)"
)
WINDOW = 2  # turns either side of the measured one


def turn_events(number: int, intents: list[str]) -> list:
    """One turn's events, shaped like Rasa's (ranking of ten intents, an answer with its metadata)."""
    ranking = [{"name": name, "confidence": 0.1} for name in intents[:10]]
    text = f"message number {number}: my email is someone{number}@example.org, what happens next?"
    events = [
        UserUttered(text, {"name": intents[number % len(intents)], "confidence": 0.9, "intent_ranking": ranking}, []),
        DefinePrevUserUtteredFeaturization(False),
        ActionExecuted("utter_capabilities", policy="RulePolicy", confidence=1.0),
        BotUttered("I can help you with: reporting a crime that isn't an emergency, support after a crime " * 2,
                   {"buttons": [{"title": "Report a crime", "payload": "/report_crime"}]},
                   {"utter_action": "utter_capabilities"}),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
    ]
    if number % 3 == 0:
        events.append(SlotSet("feedback_helpful", number % 2 == 0))
    return events


async def converse(stores: dict[str, TrackerStore], turns: int, intents: list[str]) -> dict[str, list[float]]:
    """Milliseconds of retrieve + save for each turn of one conversation per store, the stores taking turns."""
    # Taking turns, so a busy machine slows them alike.
    senders = {name: f"bench-{index}-{time.monotonic_ns()}" for index, name in enumerate(stores)}
    spent: dict[str, list[float]] = {name: [] for name in stores}
    for number in range(1, turns + 1):
        for name, store in stores.items():
            started = time.perf_counter()
            tracker = await store.get_or_create_tracker(senders[name], append_action_listen=number == 1)
            for event in turn_events(number, intents):
                tracker.update(event)
            await store.save(tracker)
            spent[name].append((time.perf_counter() - started) * 1000)
    return spent


def around(spent: list[float], turn: int) -> float:
    """The median time of the turns around `turn` (1-based)."""
    return statistics.median(spent[max(0, turn - 1 - WINDOW) : turn + WINDOW])


def stores(url: str, domain: Domain) -> dict[str, TrackerStore]:
    """The three stores measured, on one database."""
    with sa.create_engine(url).begin() as connection:  # our store needs the web app's forgotten table
        connection.execute(sa.text(FORGOTTEN_TABLE))
    return {
        "Rasa's SQLTrackerStore": SQLTrackerStore(domain, host=url),
        "ours, cached (one replica)": RedactingTrackerStore(domain, url),
        "ours, no cache (every turn on another replica)": RedactingTrackerStore(domain, url, cache_size=0),
    }


async def measure(url: str, turns: int) -> list[tuple[str, list[float]]]:
    """Each store's per-turn times on this database."""
    domain = Domain.load(str(ROOT / "domain.yml"))
    intents = sorted(domain.intents)
    return list((await converse(stores(url, domain), turns, intents)).items())


def table(backend: str, results: list[tuple[str, list[float]]]) -> str:
    """The markdown table of one backend."""
    lines = [f"| {backend} | " + " | ".join(f"turn {turn}" for turn in MEASURED_AT) + " | whole conversation |",
             "| --- | " + " | ".join("---" for _ in MEASURED_AT) + " | --- |"]  # fmt: skip
    for name, spent in results:
        cells = " | ".join(f"{around(spent, turn):.1f} ms" for turn in MEASURED_AT)
        lines.append(f"| {name} | {cells} | {sum(spent) / 1000:.1f} s |")
    return "\n".join(lines)


def main() -> None:
    """Measure on SQLite (a new file) and, if given, on PostgreSQL; print markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--postgres", help="an empty PostgreSQL database (postgresql://...)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        print(table("SQLite", asyncio.run(measure(f"sqlite:///{work}/bench.db", args.turns))))
    if args.postgres:
        print()
        print(table("PostgreSQL", asyncio.run(measure(args.postgres, args.turns))))


if __name__ == "__main__":
    main()
