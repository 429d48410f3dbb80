"""A DATABASE_URL with libpq's sslmode, on the test PostgreSQL server (BOT_TEST_POSTGRES_URL): `python -m bot db
upgrade` and the app's engine (asyncpg) and the tracker store's engine (psycopg2, in Rasa's environment) all take it,
and each connection is encrypted or not as the mode says."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db.engine import create_engine
from bot.settings import PROJECT_ROOT, Settings
from tests.conftest import POSTGRES_URL, _postgres_database

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
SSL_QUERY = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
# The tracker store's engine as Rasa makes it: connects, creates its tables, says whether the connection is TLS.
TRACKER_PROBE = f"""
import json, sys
import sqlalchemy as sa
from rasa_addons import tracker_tables
engine = tracker_tables.create_engine(sys.argv[1])
tracker_tables.create_tables(engine)
with engine.connect() as connection:
    print(json.dumps(connection.execute(sa.text({SSL_QUERY!r})).scalar()))
"""


@pytest.fixture
def database():
    """The name of a fresh, empty database on the test server, dropped afterwards."""
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL too: BOT_TEST_POSTGRES_URL is not set")
        pytest.skip("needs BOT_TEST_POSTGRES_URL (.ci/run sets it)")
    name = f"tls_{uuid.uuid4().hex[:12]}"
    for _url in _postgres_database(name):
        yield name


def _database_url(database, sslmode):
    """The test server's database as an operator writes it: postgresql://, with libpq's sslmode."""
    url = make_url(POSTGRES_URL).set(drivername="postgresql", database=database)
    return url.update_query_dict({"sslmode": sslmode}).render_as_string(hide_password=False)


def _upgrade(database_url, var_dir):
    env = {"DATABASE_URL": database_url, "BOT_VAR_DIR": str(var_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def _tracker_store(settings):
    return subprocess.run([str(RASA_PYTHON), "-c", TRACKER_PROBE, settings.sync_database_url], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


async def _app_engine_ssl(settings):
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(SSL_QUERY))).scalar()
    finally:
        await engine.dispose()


async def _server_has_tls(database, tmp_path):
    settings = Settings.from_env({"DATABASE_URL": _database_url(database, "disable"), "BOT_VAR_DIR": str(tmp_path)})
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text("SHOW ssl"))).scalar() == "on"
    finally:
        await engine.dispose()


@pytest.mark.parametrize("sslmode", ["disable", "prefer"])
async def test_both_drivers_take_sslmode(database, tmp_path, sslmode):
    database_url = _database_url(database, sslmode)
    upgraded = _upgrade(database_url, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    settings = Settings.from_env({"DATABASE_URL": database_url, "BOT_VAR_DIR": str(tmp_path)})
    # disable: never encrypted; prefer: encrypted exactly when the server offers TLS (the test server may not).
    encrypted = sslmode == "prefer" and await _server_has_tls(database, tmp_path)
    assert await _app_engine_ssl(settings) is encrypted
    tracker = _tracker_store(settings)
    assert tracker.returncode == 0, tracker.stderr[-3000:]
    assert json.loads(tracker.stdout.strip().splitlines()[-1]) is encrypted


async def test_both_drivers_enforce_sslmode_require(database, tmp_path):
    """Neither driver drops the mode: with require, both encrypt, or both refuse a server without TLS."""
    database_url = _database_url(database, "require")
    settings = Settings.from_env({"DATABASE_URL": database_url, "BOT_VAR_DIR": str(tmp_path)})
    upgraded = _upgrade(database_url, tmp_path)
    tracker = _tracker_store(settings)
    if await _server_has_tls(database, tmp_path):
        assert upgraded.returncode == 0, upgraded.stderr[-3000:]
        assert await _app_engine_ssl(settings) is True
        assert tracker.returncode == 0, tracker.stderr[-3000:]
        assert json.loads(tracker.stdout.strip().splitlines()[-1]) is True
    else:
        assert upgraded.returncode != 0
        assert "unexpected keyword argument" not in upgraded.stderr  # refused for want of TLS, not for the option
        with pytest.raises(ConnectionError, match="rejected SSL upgrade"):
            await _app_engine_ssl(settings)
        assert tracker.returncode != 0
        assert "server does not support SSL, but SSL was required" in tracker.stderr
