"""`test-conversations`: `rasa test` on tests/test_stories.yml with the real action server running."""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys

from bot import supervisor, training
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the test-conversations subcommand."""
    parser = subparsers.add_parser(
        "test-conversations", help="run rasa test on tests/test_stories.yml against the current model"
    )
    parser.add_argument("--stories", default="tests/test_stories.yml")
    parser.set_defaults(handler=_test)


def _test(args: argparse.Namespace, settings: Settings) -> int:
    model = training.current_model(settings)
    if not model.exists():
        print(f"error: no model at {model}; run `python -m bot train` first", file=sys.stderr)
        return 1
    env = supervisor.child_env(settings)
    actions = next(s for s in supervisor.services(settings, model) if s.name == "actions")
    server = subprocess.Popen(actions.command, cwd=settings.project_root, env=env)
    try:
        if not asyncio.run(
            supervisor.wait_for_url(actions.health_url, settings.startup_timeout_seconds, lambda: server.poll() is None)
        ):
            print("error: the action server did not start", file=sys.stderr)
            return 1
        out = settings.var_dir / "conversation-tests"
        command = [
            str(settings.rasa_bin), "test", "core", "--model", str(model), "--stories", args.stories,
            "--endpoints", "endpoints.yml", "--out", str(out), "--fail-on-prediction-errors",
        ]  # fmt: skip
        result = subprocess.run(command, cwd=settings.project_root, env=env)
        if result.returncode != 0:
            print(f"conversation tests failed: see {out}/failed_test_stories.yml", file=sys.stderr)
        return result.returncode
    finally:
        server.terminate()
        server.wait(timeout=30)
