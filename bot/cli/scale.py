"""`scale-demo`: the production shape on loopback (nginx, 2 web apps, 2 Rasa, 2 action servers, PostgreSQL, Redis)."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from dataclasses import replace
from pathlib import Path

from bot import periodic, training
from bot.cli.running import periods_untrue
from bot.scale import nginx, postgres, shape
from bot.settings import Settings
from bot.supervision import Supervisor
from bot.supervisor import with_rasa_token


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the scale-demo subcommand."""
    demo = subparsers.add_parser("scale-demo", help="run the production shape on this machine, supervised")
    demo.add_argument("--dir", type=Path, help="where its databases and files go (default BOT_VAR_DIR/scale)")
    demo.add_argument("--fresh", action="store_true", help="start from an empty database")
    demo.add_argument("--replicas", type=int, default=shape.REPLICAS, help="web apps, Rasa and action servers each")
    demo.set_defaults(handler=_scale_demo)


def _scale_demo(args: argparse.Namespace, settings: Settings) -> int:
    if periods_untrue(settings):
        return 1
    model = training.current_model(settings)
    if not model.exists():
        print(f"error: no model at {model}; run `python -m bot train` first", file=sys.stderr)
        return 1
    missing = [name for name, found in (("nginx", nginx.binary()), ("redis-server", shutil.which("redis-server")))
               if not found]  # fmt: skip
    try:
        postgres.bindir()
    except postgres.PostgresMissing:
        missing.append("postgresql")
    if missing:
        print(f"error: not installed: {', '.join(missing)}; `make scale-servers` installs them", file=sys.stderr)
        return 1
    if args.replicas < 1:
        print("error: --replicas must be at least 1", file=sys.stderr)
        return 2
    root = (args.dir or settings.var_dir / "scale").resolve()
    if args.fresh:
        postgres.wipe(root / "postgres")
    root.mkdir(parents=True, exist_ok=True)
    # One token for every Rasa replica's HTTP API and every web app (the apology reads the tracker through it).
    settings = with_rasa_token(settings)
    layout = shape.Shape(root, shape.Ports.choose(settings.scale_port, args.replicas), model.resolve())
    layout.write()
    supervisor = Supervisor(
        replace(settings, var_dir=root), shape.stages(settings, layout), shape.banner(layout),
        jobs=privacy_jobs(settings, layout),
    )  # fmt: skip
    return asyncio.run(supervisor.run())


def privacy_jobs(settings: Settings, layout: shape.Shape) -> list[periodic.PeriodicJob]:
    """Retention and the form sweep, run against the shape's PostgreSQL as `run` runs them against SQLite."""
    return periodic.privacy_jobs(settings, env=shape.replica_env(settings, layout, 0))
