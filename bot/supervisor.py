"""`run`: Rasa, the action server and the web app as one supervised group (bot/supervision.py), restarting any
that dies or hangs, and stopping everything (exit 1, naming it) when one fails repeatedly.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from dataclasses import replace
from pathlib import Path

from bot import periodic
from bot.services import secret_key
from bot.settings import Settings
from bot.supervision import STATE_FILE, Service, Stage, Supervisor
from bot.training import rasa_env

LOGGING_CONFIG = "logging.yml"  # Rasa's and the action server's logging: every record redacted

__all__ = [
    "STATE_FILE", "Service", "Stage", "Supervisor", "child_env", "lock_store_env", "run", "services", "with_rasa_token",
]  # fmt: skip


def tracker_env(settings: Settings) -> dict[str, str]:
    """Variables endpoints.yml reads: the action server and the SQL tracker store on our database."""
    return {"BOT_ACTIONS_PORT": str(settings.actions_port), "BOT_TRACKER_URL": settings.sync_database_url}


LOCK_STORE_CLASS = "rasa_addons.lock_store.LivenessLockStore"


def lock_store_env(settings: Settings) -> dict[str, str]:
    """Variables for endpoints.yml's lock_store: Redis when REDIS_URL is set, else one process's memory."""
    # Redis: rasa_addons/lock_store.py, Rasa's Redis store, atomic and letting go of a dead replica's tickets.
    if not settings.redis_url:
        return {"BOT_LOCK_STORE": "in_memory", "BOT_LOCK_STORE_URL": ""}
    # The whole URL, read by redis-py as the web app reads it: split into parts, its username (an ACL user), TLS
    # (rediss://) and unix sockets were lost. It holds the password: it goes only into the children's environment.
    return {"BOT_LOCK_STORE": LOCK_STORE_CLASS, "BOT_LOCK_STORE_URL": settings.redis_url}


def rasa_server(settings: Settings, model: Path, port: int) -> list[str]:
    """`rasa run` on loopback, through rasa_addons/runtime/server.py (Rasa with rasa_addons/runtime/speedups.py)."""
    return [
        str(settings.rasa_bin.parent / "python"), "-m", "rasa_addons.runtime.server", "run", "--model", str(model),
        "--interface", "127.0.0.1", "--port", str(port),
        "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        "--logging-config-file", LOGGING_CONFIG,
        # The HTTP API, for the web app's tracker lookups (the apology's phone number): token only, loopback only.
        # One argument: a token may start with "-" (token_urlsafe's alphabet), which Rasa's parser would otherwise
        # take for an option, and Rasa would not start.
        "--enable-api", f"--auth-token={settings.rasa_token}",
    ]  # fmt: skip


def services(settings: Settings, model: Path) -> list[Service]:
    """The three services, in start order."""
    rasa = rasa_server(settings, model, settings.rasa_port)
    actions = [
        sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port),
        "--logging-config_file", LOGGING_CONFIG,  # sic: rasa-sdk's spelling
    ]  # fmt: skip
    web = [sys.executable, "-m", "bot", "web"]
    web_url = f"http://127.0.0.1:{settings.web_port}"
    return [
        Service("actions", actions, f"{settings.actions_url}/health"),
        Service("rasa", rasa, f"{settings.rasa_url}/"),
        # Not /healthz, which is 503 while Rasa loads its model or restarts: the web app itself is fine then.
        Service("web", web, f"{web_url}/static/widget.js"),
    ]


def child_env(settings: Settings) -> dict[str, str]:
    """The environment every child gets: Rasa's needs plus loopback-only binding for the action server."""
    env = rasa_env(settings)
    env.update(tracker_env(settings))
    env.update(lock_store_env(settings))
    env["SANIC_HOST"] = "127.0.0.1"  # rasa-sdk binds 0.0.0.0 unless told otherwise
    # The children read the same settings as this process, whatever produced them.
    env.update(
        DATABASE_URL=settings.database_url,
        BOT_HOST=settings.host,
        BOT_WEB_PORT=str(settings.web_port),
        BOT_RASA_PORT=str(settings.rasa_port),
        BOT_VAR_DIR=str(settings.var_dir),
        # The key of every pseudonym: the same in every child (made once here on a first local run).
        BOT_SECRET_KEY=secret_key.resolve(settings),
        BOT_RASA_TOKEN=settings.rasa_token,
    )
    return env


def banner(settings: Settings) -> str:
    """What `run` prints once every service is healthy."""
    s = settings
    return (
        "\nEverything is running:\n"
        f"  web app (public):  {s.web_url}/   chat: POST {s.web_url}/api/chat   health: {s.web_url}/healthz\n"
        f"  Rasa server:       {s.rasa_url}/ (loopback only)\n"
        f"  action server:     {s.actions_url}/health (loopback only)\n"
        "A service that dies is restarted; Ctrl-C stops everything.\n"
    )


def with_rasa_token(settings: Settings) -> Settings:
    """The settings with a token for Rasa's HTTP API: BOT_RASA_TOKEN, or a new random one for this run."""
    return settings if settings.rasa_token else replace(settings, rasa_token=secrets.token_urlsafe(32))


def run(settings: Settings, model: Path) -> int:
    """Supervise the three services until stopped."""
    settings = with_rasa_token(settings)
    group = Supervisor(
        settings, [services(settings, model)], banner(settings), child_env(settings),
        # PRIVACY's periodic jobs (retention, the form sweep): started once healthy, stopped with the rest.
        jobs=periodic.privacy_jobs(settings),
    )  # fmt: skip
    return asyncio.run(group.run())
