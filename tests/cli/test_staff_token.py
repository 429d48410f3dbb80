"""`python -m bot staff token EMAIL` prints a working API token as its last line."""

import asyncio

import pytest

from bot.cli import build_parser
from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.services import clock
from bot.services.staff import sessions as staff_sessions
from bot.settings import Settings
from tests.cli.test_cli import _bot


def test_staff_token_has_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["staff", "token", "--help"])
    assert exit_info.value.code == 0
    assert "usage: python -m bot" in capsys.readouterr().out


async def _owner(tmp_path, token):
    settings = Settings.from_env({"BOT_VAR_DIR": str(tmp_path)})
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await staff_sessions.verify_api_token(session, token, clock.now())
            return None if user is None else user.email
    finally:
        await engine.dispose()


def test_staff_token_prints_a_new_token_last(tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    added = _bot("staff", "add", "Lead@Example.org", "--role", "supervisor", "--password-stdin",
                 env_dir=tmp_path, stdin="a long enough password\n")
    assert added.returncode == 0, added.stderr
    first = _bot("staff", "token", "lead@example.org", env_dir=tmp_path)
    second = _bot("staff", "token", "LEAD@example.org", env_dir=tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr
    tokens = [result.stdout.strip().splitlines()[-1] for result in (first, second)]
    assert tokens[0] != tokens[1]
    assert [asyncio.run(_owner(tmp_path, token)) for token in tokens] == ["lead@example.org"] * 2


def test_staff_token_for_an_unknown_account_fails(tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    result = _bot("staff", "token", "nobody@example.org", env_dir=tmp_path)
    assert result.returncode == 1
    assert "no active account" in result.stderr and result.stdout == ""
