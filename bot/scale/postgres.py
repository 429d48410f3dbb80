"""PostgreSQL for the scale shape: Debian's server binaries, a cluster of our own on loopback, our database in it."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
from pathlib import Path

DATABASE = "bot"
SUPERUSER = "postgres"


class PostgresMissing(RuntimeError):
    """Debian's PostgreSQL server is not installed (`make scale-servers` installs it)."""


def bindir() -> Path:
    """The newest installed server's bin directory (/usr/lib/postgresql/N/bin on Debian)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise PostgresMissing("PostgreSQL's server is not installed: run `make scale-servers` (Debian's postgresql)")
    return found[-1].parent


def run_as() -> str | None:
    """PostgreSQL refuses to run as root: as root, its processes run as the postgres user."""
    return SUPERUSER if os.geteuid() == 0 else None


def init_cluster(data: Path) -> None:
    """Create a cluster in `data` unless one is there: trust on loopback only (the shape is one machine)."""
    if (data / "PG_VERSION").is_file():
        return
    data.mkdir(parents=True, exist_ok=True)
    user = run_as()
    if user:
        entry = pwd.getpwnam(user)
        for path in (data, data.parent):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    command = [str(bindir() / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER, "--encoding", "UTF8"]
    subprocess.run(command, check=True, capture_output=True, user=user)


def command(data: Path, port: int, socket_dir: Path) -> list[str]:
    """The server in the foreground (the supervisor's child), listening on 127.0.0.1 only."""
    socket_dir.mkdir(parents=True, exist_ok=True)
    user = run_as()
    if user:
        entry = pwd.getpwnam(user)
        os.chown(socket_dir, entry.pw_uid, entry.pw_gid)
    return [
        str(bindir() / "postgres"), "-D", str(data), "-p", str(port), "-k", str(socket_dir),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "max_connections=300",  # 2 Rasa + 2 action servers + 2 web apps, each with its pool
        "-c", "shared_buffers=128MB",
    ]  # fmt: skip


def url(port: int, database: str = DATABASE) -> str:
    """The URL our settings take (DATABASE_URL)."""
    return f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{database}"


async def create_database(port: int) -> None:
    """Create our database unless it exists."""
    import asyncpg

    conn = await asyncpg.connect(url(port, "postgres"))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()


def wipe(data: Path) -> None:
    """Remove a cluster (scale-demo --fresh, and every scale-test run)."""
    if data.exists():
        shutil.rmtree(data)


async def prepare(port: int, env: dict[str, str], cwd: Path, python: str) -> None:
    """Our database with every migration and the demo data, as `make run` prepares SQLite."""
    await create_database(port)
    # The demo shape's own database: its demo data is wanted even when it runs with BOT_ENV=production.
    for step in (["db", "upgrade"], ["demo-data", "--force"]):
        proc = await asyncio.create_subprocess_exec(
            python, "-m", "bot", *step, cwd=cwd, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"`python -m bot {' '.join(step)}` failed:\n{out.decode(errors='replace')[-2000:]}")
