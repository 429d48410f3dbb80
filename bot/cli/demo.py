"""`demo-data`: realistic demo rows for topics whose tables are empty."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.db.engine import run_once
from bot.demo_data import load_all
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the demo-data subcommand."""
    parser = subparsers.add_parser(
        "demo-data", help="load demo data into empty tables (never overwrites; refused when BOT_ENV is production)"
    )
    in_production = parser.add_mutually_exclusive_group()
    in_production.add_argument(
        "--force", action="store_true", help="load it even when BOT_ENV is production (a rehearsal database)"
    )
    in_production.add_argument(
        "--skip-in-production", action="store_true",
        help="when BOT_ENV is production, load nothing and succeed (for `make run`, which also starts production)",
    )  # fmt: skip
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    # Demo rows in a live database are fake complaints in the staff queue and fake crime references that
    # Track My Crime answers for: production gets them only when --force asks for them.
    if settings.environment == "production" and not args.force:
        if args.skip_in_production:
            print("demo-data: BOT_ENV is production, no demo data loaded")
            return 0
        print(
            "demo-data refused: BOT_ENV is production, and demo rows would be fake complaints and crime references "
            "among real ones. Nothing was added; give --force if this database really should have them.",
            file=sys.stderr,
        )
        return 1
    added = asyncio.run(run_once(settings, load_all))
    if not added:
        print("no topic has demo data yet")
    for topic, count in added.items():
        print(f"{topic}: {count} demo rows added" if count else f"{topic}: already has data, left alone")
    return 0
