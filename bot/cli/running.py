"""`run`, `train` and `web`: training the model, and running the three services (or only the web app)."""

from __future__ import annotations

import argparse
import subprocess
import sys

from bot import stated_periods, supervisor, training
from bot.settings import Settings
from bot.web import serving
from bot.web.access_log import PrivateAccessLogger
from bot.web.app import create_app


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the run, train and web subcommands."""
    run = subparsers.add_parser("run", help="start Rasa, the action server and the web app, supervised")
    run.set_defaults(handler=_run)
    train = subparsers.add_parser("train", help="train a model unless one matches the current training data")
    train.add_argument("--force", action="store_true", help="train even if an up-to-date model exists")
    train.set_defaults(handler=_train)
    serve = subparsers.add_parser("web", help="serve only the web app (run starts it for you)")
    serve.set_defaults(handler=_web)


def _train(args: argparse.Namespace, settings: Settings) -> int:
    try:
        model, trained = training.train(settings, force=args.force)
    except FileNotFoundError:
        print(f"error: Rasa is not installed at {settings.rasa_bin}; run `make setup`", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"error: training failed with code {exc.returncode}", file=sys.stderr)
        return 1
    print(f"{'trained' if trained else 'up to date'}: {model}")
    return 0


def periods_untrue(settings: Settings) -> bool:
    """Print why and say so when a retention period the assistant states is not the one in force."""
    untrue = stated_periods.mismatches(settings, settings.project_root / "domain.yml")
    # The assistant would tell residents a retention period that is not the one in force.
    for line in untrue:
        print(f"error: {line}; change the setting or the response (then train)", file=sys.stderr)
    return bool(untrue)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if periods_untrue(settings):
        return 1
    model = training.current_model(settings)
    if not model.exists():
        print(f"error: no model at {model}; run `python -m bot train` first", file=sys.stderr)
        return 1
    return supervisor.run(settings, model)


def _web(args: argparse.Namespace, settings: Settings) -> int:
    if periods_untrue(settings):  # production starts the web app on its own, without `run`
        return 1
    serving.run(create_app(settings), settings.host, settings.web_port, access_log_class=PrivateAccessLogger)
    return 0
