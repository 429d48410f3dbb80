"""The command line: one module per topic, each registering its subcommands."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.cli import cases, db, demo, property, running, staff, testing
from bot.settings import Settings, SettingsError

# Each module exposes register(subparsers); its handlers take (args, settings) and return an exit code.
COMMAND_MODULES = (running, db, demo, staff, testing, cases, property)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="The Hertfordshire public contact assistant.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, read the settings and run the chosen command."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.handler(args, settings) or 0)
