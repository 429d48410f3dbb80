"""`python -m bot demo-data`: fake rows on a development database, never on a production one unless forced."""

import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from bot.settings import PROJECT_ROOT

PRODUCTION = {"BOT_ENV": "production", "BOT_SECRET_KEY": "a production key of at least thirty-two characters"}


def _bot(*args, var_dir, env=None):
    full_env = {"BOT_VAR_DIR": str(var_dir), "PATH": "/usr/bin:/bin", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=full_env, capture_output=True, text=True
    )


def _rows(var_dir):
    """Rows in every table of the embedded database but Alembic's own."""
    with closing(sqlite3.connect(var_dir / "bot.db")) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return sum(
            db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables if name != "alembic_version"
        )


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One empty, migrated embedded database (migrating is allowed in production), copied for each test."""
    var_dir = tmp_path_factory.mktemp("template")
    upgraded = _bot("db", "upgrade", var_dir=var_dir, env=PRODUCTION)
    assert upgraded.returncode == 0, upgraded.stderr
    return var_dir / "bot.db"


@pytest.fixture
def migrated(template, tmp_path):
    """A var dir whose bot.db is a copy of the template."""
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(tmp_path / "bot.db")) as copy:
        source.backup(copy)
    assert _rows(tmp_path) == 0
    return tmp_path


def test_refused_in_production(migrated):
    result = _bot("demo-data", var_dir=migrated, env=PRODUCTION)
    assert result.returncode == 1
    assert "demo-data refused: BOT_ENV is production" in result.stderr
    assert "--force" in result.stderr
    assert "demo rows added" not in result.stdout
    assert _rows(migrated) == 0


def test_refused_however_production_is_spelt(migrated):
    result = _bot("demo-data", var_dir=migrated, env={**PRODUCTION, "BOT_ENV": " Production "})
    assert result.returncode == 1
    assert _rows(migrated) == 0


def test_loaded_in_production_with_force(migrated):
    result = _bot("demo-data", "--force", var_dir=migrated, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "cases: 6 demo rows added" in result.stdout
    assert _rows(migrated) > 0


def test_skipped_in_production_for_make_run(migrated):
    result = _bot("demo-data", "--skip-in-production", var_dir=migrated, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "BOT_ENV is production, no demo data loaded" in result.stdout
    assert _rows(migrated) == 0


def test_loaded_by_default_on_the_embedded_database(migrated):
    result = _bot("demo-data", var_dir=migrated)
    assert result.returncode == 0, result.stderr
    assert "cases: 6 demo rows added" in result.stdout
    assert _rows(migrated) > 0
    again = _bot("demo-data", "--skip-in-production", var_dir=migrated)  # the flag only matters in production
    assert again.returncode == 0, again.stderr
    assert "cases: already has data, left alone" in again.stdout


def test_force_and_skip_are_exclusive(tmp_path):
    result = _bot("demo-data", "--force", "--skip-in-production", var_dir=tmp_path)
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
