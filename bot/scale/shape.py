"""The production shape on one machine: nginx in front of 2 web apps, 2 Rasa servers and 2 action servers, one
PostgreSQL (tracker store and our database) and Redis (Rasa's lock store, the web apps' shared state).

Every replica serves the same model file (one on disk, read by each at start). Ports other than the public one
are chosen free at each start and written to `shape.json` beside the supervisor's `supervisor.json`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from bot.probes import PostgresProbe, RedisProbe
from bot.scale import nginx, postgres
from bot.settings import Settings
from bot.stack import free_port
from bot.supervision import Service, Stage
from bot.supervisor import child_env, rasa_server

REPLICAS = 2
# Messages a minute per Rasa replica for the ceiling on everyone together: a little under what one replica
# answered alone in drill 4 on this 2-core machine (46 messages a second, about 2800 a minute, 2026-12-02).
CEILING_PER_REPLICA = 2400
SHAPE_FILE = "shape.json"
# Rasa's Redis lock on a conversation expires after this long if its holder dies (Rasa's default is 60 s,
# which would stall a conversation that long after a replica is killed mid-turn).
LOCK_LIFETIME_SECONDS = 15


@dataclass(frozen=True)
class Ports:
    """Where everything listens (all on 127.0.0.1)."""

    public: int
    web: list[int] = field(default_factory=list)
    rasa: list[int] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    rasa_via_nginx: list[int] = field(default_factory=list)  # web app i talks to Rasa i (the other as backup)
    actions_via_nginx: list[int] = field(default_factory=list)  # Rasa i calls action server i (likewise)
    postgres: int = 0
    redis: int = 0

    @classmethod
    def choose(cls, public: int, replicas: int = REPLICAS) -> Ports:
        """Free ports for everything but the public one, all different."""
        taken = {public}

        def one() -> int:
            port = free_port()
            while port in taken:
                port = free_port()
            taken.add(port)
            return port

        def some() -> list[int]:
            return [one() for _ in range(replicas)]

        return cls(public, some(), some(), some(), some(), some(), one(), one())


@dataclass(frozen=True)
class Shape:
    """One scale-demo run: its directory, ports, model and the URLs the drills use."""

    root: Path
    ports: Ports
    model: Path

    @property
    def url(self) -> str:
        """The public address (nginx)."""
        return f"http://127.0.0.1:{self.ports.public}"

    @property
    def database_url(self) -> str:
        """Our database and the tracker store."""
        return postgres.url(self.ports.postgres)

    @property
    def redis_url(self) -> str:
        """Rasa's lock store (db 1) and the web apps' shared state."""
        return f"redis://127.0.0.1:{self.ports.redis}/1"

    def write(self) -> None:
        """shape.json: what the drills need to find every replica."""
        data = {"url": self.url, "database_url": self.database_url, "redis_url": self.redis_url,
                "model": str(self.model), "ports": asdict(self.ports)}  # fmt: skip
        (self.root / SHAPE_FILE).write_text(json.dumps(data, indent=1))


def replica_settings(settings: Settings, shape: Shape, index: int) -> Settings:
    """The settings replica `index` runs with: its own ports, the shared database and Redis."""
    p = shape.ports
    return replace(
        settings, database_url=Settings.from_env({"DATABASE_URL": shape.database_url}).database_url,
        redis_url=shape.redis_url, host="127.0.0.1", web_port=p.web[index], rasa_port=p.rasa_via_nginx[index],
        actions_port=p.actions_via_nginx[index], var_dir=shape.root,
    )  # fmt: skip


def global_ceiling(replicas: int, environ: Mapping[str, str] = os.environ) -> int:
    """Messages a minute from everyone together: BOT_CHAT_RATE_GLOBAL when the operator set it, else per replica."""
    if environ.get("BOT_CHAT_RATE_GLOBAL"):
        return int(environ["BOT_CHAT_RATE_GLOBAL"])  # the operator's figure for the whole shape
    # The count is shared in Redis, so one replica's default would hold two to one's share.
    return CEILING_PER_REPLICA * replicas


def replica_env(settings: Settings, shape: Shape, index: int) -> dict[str, str]:
    """The environment of replica `index`'s web app, Rasa and action server."""
    env = child_env(replica_settings(settings, shape, index))
    env.update(
        REDIS_URL=shape.redis_url,
        BOT_TRUSTED_PROXIES="127.0.0.1",  # nginx: the client address is in X-Forwarded-For
        TICKET_LOCK_LIFETIME=str(LOCK_LIFETIME_SECONDS),
        BOT_CHAT_RATE_GLOBAL=str(global_ceiling(len(shape.ports.web))),
        # Each Rasa replica's tracker store: 10 connections kept, 20 more while busy (rasa_addons/tracker_tables.py
        # create_engine; 5 and 10 when unset), well within the shape's max_connections (bot/scale/postgres.py).
        SQL_POOL_SIZE="10", SQL_MAX_OVERFLOW="20",
    )  # fmt: skip
    return env


def replicas(settings: Settings, shape: Shape, index: int) -> list[Service]:
    """Action server, Rasa server and web app number index + 1."""
    p, n, env = shape.ports, index + 1, replica_env(settings, shape, index)
    actions = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(p.actions[index])]
    rasa = rasa_server(settings, shape.model, p.rasa[index])
    web = f"http://127.0.0.1:{p.web[index]}"  # ready when it serves its own files, whether Rasa is up or not
    return [
        Service(f"actions-{n}", actions, f"http://127.0.0.1:{p.actions[index]}/health", env=env),
        Service(f"rasa-{n}", rasa, f"http://127.0.0.1:{p.rasa[index]}/", env=env),
        Service(f"web-{n}", [sys.executable, "-m", "bot", "web"], f"{web}/static/widget.js", env=env),
    ]  # fmt: skip


def stages(settings: Settings, shape: Shape) -> list[Stage]:
    """Databases first (then migrations and demo data), then the replicas, then nginx in front."""
    root, p = shape.root, shape.ports
    postgres.init_cluster(root / "postgres")
    database = Service(
        "postgres", postgres.command(root / "postgres", p.postgres, root / "postgres-socket"),
        probe=PostgresProbe(postgres.url(p.postgres, "postgres")), user=postgres.run_as(),
    )  # fmt: skip
    (root / "redis").mkdir(parents=True, exist_ok=True)
    redis = Service(
        "redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(p.redis), "--save", "", "--appendonly", "no",
                  "--dir", str(root / "redis")],
        probe=RedisProbe("127.0.0.1", p.redis),
    )  # fmt: skip
    prefix = root / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(nginx.render(
        prefix=prefix, public_port=p.public, web=p.web, rasa=p.rasa, actions=p.actions,
        rasa_via=p.rasa_via_nginx, actions_via=p.actions_via_nginx,
    ))  # fmt: skip
    front = Service(
        "nginx", [nginx.binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        f"{shape.url}{nginx.LIVE_PATH}",
    )  # fmt: skip
    migrate_env = {**os.environ, "DATABASE_URL": shape.database_url, "BOT_VAR_DIR": str(root)}

    async def prepare() -> None:
        await postgres.prepare(p.postgres, migrate_env, settings.project_root, sys.executable)

    services = [s for index in range(len(p.web)) for s in replicas(settings, shape, index)]
    return [Stage([database, redis], then=prepare), Stage(services), Stage([front])]


def banner(shape: Shape) -> str:
    """What scale-demo prints once everything is healthy."""
    p = shape.ports
    return (
        f"\nThe scale demo is running: {shape.url}/   (chat: POST {shape.url}/api/chat)\n"
        f"  nginx :{p.public} -> web apps :{', :'.join(map(str, p.web))}\n"
        f"  Rasa servers :{', :'.join(map(str, p.rasa))} (one model: {shape.model.name}), "
        f"action servers :{', :'.join(map(str, p.actions))}\n"
        f"  PostgreSQL :{p.postgres} (tracker store and our database), Redis :{p.redis} (lock store, shared state)\n"
        f"  state: {shape.root / SHAPE_FILE}. A service that dies is restarted; Ctrl-C stops everything.\n"
    )
