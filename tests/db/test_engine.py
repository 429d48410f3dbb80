"""The engine's SQLite settings: foreign keys, WAL, and commits synced at checkpoints (synchronous=NORMAL)."""

from dataclasses import replace

from sqlalchemy import text

from bot.db.engine import create_engine
from bot.settings import Settings


async def test_sqlite_connections_use_wal_and_normal_sync(tmp_path):
    settings = replace(Settings.from_env({}), var_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db")
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            pragmas = [(await conn.execute(text(f"PRAGMA {name}"))).scalar() for name in
                       ("foreign_keys", "journal_mode", "synchronous")]  # fmt: skip
    finally:
        await engine.dispose()
    assert pragmas == [1, "wal", 1]  # synchronous: 0 OFF, 1 NORMAL, 2 FULL
