"""The command line's errors: a clear message and exit code, never a traceback (nor what the SQL was given)."""

import socket
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT
from bot.stack import free_port

NOT_SET_UP = "error: the database is not set up; run python -m bot db upgrade first"


def _bot(*args, env_dir, database_url=None, stdin=""):
    env = {"BOT_VAR_DIR": str(env_dir), "PATH": "/usr/bin:/bin"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, check=False)  # fmt: skip


def _fails(result, code, message):
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["staff", "add", "y@herts.example", "--role", "officer"],
        ["staff", "add", "y@herts.example", "--role", "officer", "--password-stdin"],
        ["staff", "reset-password", "y@herts.example"],
        ["staff", "reset-password", "y@herts.example", "--password-stdin"],
    ],
)
def test_no_password_is_a_usage_error(command, tmp_path):
    # Standard input ends at once, as with < /dev/null or Ctrl-D at the prompt (the password is read first).
    result = _bot(*command, env_dir=tmp_path, stdin="")
    _fails(result, 2, "error: no password given")
    assert "EOFError" not in result.stderr


@pytest.mark.parametrize(("command", "revision"), [("upgrade", "nosuchrev"), ("downgrade", "0099")])
def test_an_unknown_revision_is_a_clear_error(command, revision, tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    result = _bot("db", command, revision, env_dir=tmp_path)
    _fails(result, 1, f"error: Can't locate revision identified by '{revision}'")
    assert "CommandError" not in result.stderr and "database at" not in result.stdout


@pytest.mark.parametrize(
    ("command", "stdin"),
    [
        (["staff", "add", "y@herts.example", "--role", "officer", "--password-stdin"], "a long enough password\n"),
        (["subject", "export", "zebedee@example.org"], ""),
        (["purge"], ""),
    ],
)
def test_a_database_never_migrated_says_to_migrate(command, stdin, blank_settings, tmp_path):
    result = _bot(*command, env_dir=tmp_path, database_url=blank_settings.database_url, stdin=stdin)
    _fails(result, 1, NOT_SET_UP)
    assert "zebedee" not in result.stderr and "y@herts" not in result.stderr  # nor the SQL's parameters
    assert result.stdout == ""  # nothing said to have been done first


def test_a_fresh_var_dir_says_to_migrate(tmp_path):
    _fails(_bot("subject", "export", "zebedee@example.org", env_dir=tmp_path), 1, NOT_SET_UP)


def test_another_database_error_names_its_kind(tmp_path):
    (tmp_path / "bot.db").write_bytes(b"not a database, though its name says so" * 100)
    result = _bot("subject", "export", "zebedee@example.org", env_dir=tmp_path)
    _fails(result, 1, "error: database error: DatabaseError: file is not a database")
    assert "zebedee" not in result.stderr


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["purge"], ["purge", "--forms-only"], ["subject", "export", "zebedee@example.org"]]
)
def test_a_database_server_that_cannot_be_reached_is_a_clear_error(command, tmp_path):
    # Nothing listens on the port: PostgreSQL is down, or DATABASE_URL names the wrong host or port.
    url = f"postgresql://bot:secret@127.0.0.1:{free_port()}/bot"
    result = _bot(*command, env_dir=tmp_path, database_url=url)
    _fails(result, 1, "error: cannot connect to the database: ")
    assert "secret" not in result.stderr and "zebedee" not in result.stderr


def test_a_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"BOT_VAR_DIR": str(tmp_path), "BOT_WEB_PORT": str(port), "PATH": "/usr/bin:/bin"}
        result = subprocess.run([sys.executable, "-m", "bot", "web"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                                text=True, timeout=120)  # fmt: skip
    _fails(result, 1, "address already in use")
