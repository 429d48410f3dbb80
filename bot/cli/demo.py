"""`demo-data`: realistic demo rows for topics whose tables are empty."""

from __future__ import annotations

import argparse
import asyncio

from bot.db.engine import run_once
from bot.demo_data import load_all
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the demo-data subcommand."""
    parser = subparsers.add_parser("demo-data", help="load demo data into empty tables (never overwrites)")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    added = asyncio.run(run_once(settings, load_all))
    if not added:
        print("no topic has demo data yet")
    for topic, count in added.items():
        print(f"{topic}: {count} demo rows added" if count else f"{topic}: already has data, left alone")
    return 0
