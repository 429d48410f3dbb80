"""`python -m bot staff disable|enable|reset-password|revoke-tokens|tokens EMAIL`, on SQLite and PostgreSQL."""

import subprocess
import sys

import pytest

from bot.cli import build_parser
from bot.db.engine import unit_of_work
from bot.services import audit, clock
from bot.services.staff import sessions as staff_sessions
from bot.services.staff import sign_in
from bot.settings import PROJECT_ROOT

PASSWORD = "a long enough password"
NEW_PASSWORD = "a different long password"


@pytest.fixture
def bot(settings, tmp_path):
    """Run `python -m bot ...` on the test database (SQLite or PostgreSQL)."""

    def run(*args, stdin=None):
        env = {"BOT_VAR_DIR": str(tmp_path), "DATABASE_URL": settings.database_url, "PATH": "/usr/bin:/bin"}
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                              capture_output=True, text=True, check=False)

    return run


@pytest.fixture
def account(bot):
    added = bot("staff", "add", "Team@Example.org", "--role", "officer", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    return "team@example.org"


async def _signed_in_with_token(sessions, email):
    """A dashboard session and an API token of the account, as if it had been in use."""
    async with unit_of_work(sessions) as session:
        outcome = await sign_in.login(session, email, PASSWORD, clock.now())
        cookie, _ = await staff_sessions.create_session(session, outcome.user, clock.now())
        token = await staff_sessions.create_api_token(session, outcome.user, clock.now(), actor="test")
    return cookie, token


async def _state(sessions, cookie, token, email, password):
    async with unit_of_work(sessions) as session:
        return {
            "session": await staff_sessions.lookup_session(session, cookie, clock.now()) is not None,
            "token": await staff_sessions.verify_api_token(session, token, clock.now()) is not None,
            "sign_in": (await sign_in.login(session, email, password, clock.now())).user is not None,
        }


async def _cli_actions(sessions):
    async with unit_of_work(sessions) as session:
        return [entry.action for entry in reversed(await audit.recent(session)) if entry.actor == "cli"]


@pytest.mark.parametrize("command", ["disable", "enable", "reset-password", "revoke-tokens", "tokens"])
def test_every_staff_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["staff", command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: python -m bot staff" in capsys.readouterr().out


async def test_disable_then_enable(bot, account, sessions):
    cookie, token = await _signed_in_with_token(sessions, account)
    disabled = bot("staff", "disable", "TEAM@example.org")
    assert disabled.returncode == 0, disabled.stderr
    assert "disabled team@example.org" in disabled.stdout
    assert await _state(sessions, cookie, token, account, PASSWORD) == {"session": False, "token": False,
                                                                        "sign_in": False}
    enabled = bot("staff", "enable", account)
    assert enabled.returncode == 0 and "enabled team@example.org" in enabled.stdout
    # It signs in again; what disabling revoked stays revoked.
    assert await _state(sessions, cookie, token, account, PASSWORD) == {"session": False, "token": False,
                                                                        "sign_in": True}
    actions = await _cli_actions(sessions)
    assert actions == ["staff.add", "staff.disabled", "staff.tokens_revoked", "staff.enabled"]


async def test_reset_password_reads_stdin_and_ends_the_sessions(bot, account, sessions):
    cookie, token = await _signed_in_with_token(sessions, account)
    short = bot("staff", "reset-password", account, "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    reset = bot("staff", "reset-password", account, "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert reset.returncode == 0, reset.stderr
    assert "1 session ended" in reset.stdout and NEW_PASSWORD not in reset.stdout
    assert await _state(sessions, cookie, token, account, NEW_PASSWORD) == {"session": False, "token": True,
                                                                            "sign_in": True}
    async with unit_of_work(sessions) as session:
        assert (await sign_in.login(session, account, PASSWORD, clock.now())).user is None
    assert "staff.password_reset" in await _cli_actions(sessions)


async def test_revoke_tokens_and_list_them(bot, account, sessions):
    first = bot("staff", "token", account)
    second = bot("staff", "token", account)
    assert first.returncode == second.returncode == 0
    assert "valid for 90 days" in first.stdout
    listed = bot("staff", "tokens", account)
    assert listed.returncode == 0 and listed.stdout.count(" live") == 2
    assert first.stdout.splitlines()[-1] not in listed.stdout  # never the token itself
    revoked = bot("staff", "revoke-tokens", account)
    assert revoked.returncode == 0 and "revoked 2 API tokens of team@example.org" in revoked.stdout
    assert bot("staff", "tokens", account).stdout.count(" revoked") == 2
    async with unit_of_work(sessions) as session:
        assert await staff_sessions.verify_api_token(session, first.stdout.splitlines()[-1], clock.now()) is None


def test_token_lifetime_comes_from_the_setting(settings, tmp_path, account):
    env = {"BOT_VAR_DIR": str(tmp_path), "DATABASE_URL": settings.database_url, "PATH": "/usr/bin:/bin",
           "BOT_API_TOKEN_DAYS": "7"}
    made = subprocess.run([sys.executable, "-m", "bot", "staff", "token", account], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert made.returncode == 0 and "valid for 7 days" in made.stdout


@pytest.mark.parametrize("command", ["disable", "enable", "revoke-tokens", "tokens"])
def test_an_unknown_account_is_an_error(bot, command):
    result = bot("staff", command, "nobody@example.org")
    assert result.returncode == 1 and "no account for nobody@example.org" in result.stderr and result.stdout == ""
