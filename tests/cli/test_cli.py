"""The command line, run as a resident developer would: python -m bot ..."""

import subprocess
import sys

import pytest

from bot.cli import build_parser
from bot.settings import PROJECT_ROOT


def _bot(*args, env_dir, stdin=None):
    env = {"BOT_VAR_DIR": str(env_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env, input=stdin, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "command",
    [["run"], ["train"], ["web"], ["db", "upgrade"], ["db", "downgrade"], ["demo-data"], ["staff", "add"],
     ["test-conversations"], ["staff", "token"], ["cases", "import"], ["property", "import"], ["purge"],
     ["subject", "export"], ["subject", "erase"]],
)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: python -m bot" in capsys.readouterr().out


def test_db_upgrade_demo_data_and_staff_add(tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    assert (tmp_path / "bot.db").exists()
    demo = _bot("demo-data", env_dir=tmp_path)
    assert demo.returncode == 0, demo.stderr
    added = _bot("staff", "add", "Team@Example.org", "--role", "officer", "--password-stdin",
                 env_dir=tmp_path, stdin="a long enough password\n")
    assert added.returncode == 0, added.stderr
    assert "created officer account team@example.org" in added.stdout
    again = _bot("staff", "add", "team@example.org", "--role", "supervisor", "--password-stdin",
                 env_dir=tmp_path, stdin="another long password\n")
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_staff_add_refuses_a_short_password(tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    result = _bot("staff", "add", "a@b.org", "--role", "officer", "--password-stdin", env_dir=tmp_path, stdin="short\n")
    assert result.returncode == 1
    assert "at least 12 characters" in result.stderr


def test_bad_configuration_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, capture_output=True, text=True,
        env={"BOT_WEB_PORT": "lots", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "BOT_WEB_PORT must be a whole number" in result.stderr
