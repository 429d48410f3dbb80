"""`staff add|token|tokens|disable|enable|reset-password|revoke-tokens`: the complaints team's accounts.

Every change is audited with the actor "cli"; supervisors can do the same in the dashboard (/staff/accounts).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import run_once
from bot.db.models import STAFF_ROLES, StaffUser
from bot.services import clock
from bot.services.staff import accounts, sessions
from bot.settings import Settings

ACTOR = "cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the staff subcommands."""
    parser = subparsers.add_parser("staff", help="staff accounts for the dashboard")
    commands = parser.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = commands.add_parser("add", help="create a staff account")
    add.add_argument("email")
    add.add_argument("--role", choices=STAFF_ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=_add)
    for name, handler, text in (
        ("token", _token, "print a new API token for an account (as the last line)"),
        ("tokens", _tokens, "list an account's API tokens: made, last used, expires (never the token)"),
        ("disable", _disable, "disable an account: no sign-in, its sessions end, its API tokens are revoked"),
        ("enable", _enable, "let a disabled account sign in again"),
        ("revoke-tokens", _revoke_tokens, "revoke every API token of an account"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("email")
        command.set_defaults(handler=handler)
    reset = commands.add_parser("reset-password", help="set a new password and end the account's sessions")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    reset.set_defaults(handler=_reset_password)


class NoPassword(Exception):
    """Standard input ended (or Ctrl-C) before a password was given."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise NoPassword
        return line.rstrip("\n")
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Again: ")
    except (EOFError, KeyboardInterrupt) as exc:
        raise NoPassword from exc
    if first != again:
        raise accounts.StaffError("the two passwords differ")
    return first


def _password(args: argparse.Namespace) -> tuple[str | None, int]:
    """The password the command was given, or None and the exit code after saying what was wrong."""
    try:
        return _read_password(args.password_stdin), 0
    except NoPassword:
        start = "" if args.password_stdin else "\n"  # a prompt has no newline of its own: end its line
        print(f"{start}error: no password given", file=sys.stderr)
        return None, 2  # a usage error, like a bad argument
    except accounts.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None, 1


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[str]]) -> int:
    """Run one unit of work; print what it says, or the StaffError it raised (exit 1)."""
    try:
        message = asyncio.run(run_once(settings, work))
    except accounts.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(message)
    return 0


async def _account(session: AsyncSession, email: str, *, active_only: bool = False) -> StaffUser:
    user = await accounts.find(session, email)
    if user is None or (active_only and not user.active):
        what = "active account" if active_only else "account"
        raise accounts.StaffError(f"no {what} for {accounts.normalise_email(email)}")
    return user


def _add(args: argparse.Namespace, settings: Settings) -> int:
    password, failed = _password(args)
    if password is None:
        return failed

    async def work(session: AsyncSession) -> str:
        user = await accounts.add(session, args.email, args.role, password, actor=ACTOR)
        return f"created {user.role} account {user.email}"

    return _run(settings, work)


def _token(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> str:
        user = await _account(session, args.email, active_only=True)
        lifetime = timedelta(days=settings.api_token_days)
        token = await sessions.create_api_token(session, user, clock.now(), actor=ACTOR, lifetime=lifetime)
        return (
            f"New API token, valid for {settings.api_token_days} days (shown only this once; send it as "
            f"'Authorization: Bearer TOKEN'):\n{token}"
        )

    return _run(settings, work)


def _tokens(args: argparse.Namespace, settings: Settings) -> int:
    def when(moment: datetime | None) -> str:
        return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "never"

    async def work(session: AsyncSession) -> str:
        user = await _account(session, args.email)
        now = clock.now()
        lines = [f"{'id':>6}  {'made (UTC)':16}  {'last used (UTC)':16}  {'expires (UTC)':16}  state"]
        for token in await sessions.api_tokens(session, user.id):
            lines.append(
                f"{token.id:>6}  {when(token.created_at):16}  {when(token.last_used_at):16}  "
                f"{when(token.expires_at):16}  {sessions.token_state(token, now)}"
            )
        return "\n".join(lines) if len(lines) > 1 else f"{user.email} has no API tokens"

    return _run(settings, work)


def _disable(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> str:
        user = await _account(session, args.email)
        await accounts.disable(session, user, actor=ACTOR)
        return f"disabled {user.email}: signed out everywhere, API tokens revoked"

    return _run(settings, work)


def _enable(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> str:
        user = await _account(session, args.email)
        await accounts.enable(session, user, actor=ACTOR)
        return f"enabled {user.email}"

    return _run(settings, work)


def _revoke_tokens(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> str:
        user = await _account(session, args.email)
        revoked = await sessions.revoke_api_tokens(session, user.id, actor=ACTOR)
        return f"revoked {revoked} API token{'s' if revoked != 1 else ''} of {user.email}"

    return _run(settings, work)


def _reset_password(args: argparse.Namespace, settings: Settings) -> int:
    password, failed = _password(args)
    if password is None:
        return failed

    async def work(session: AsyncSession) -> str:
        user = await _account(session, args.email)
        ended = await accounts.reset_password(session, user, password, actor=ACTOR)
        return f"new password set for {user.email}; {ended} session{'s' if ended != 1 else ''} ended"

    return _run(settings, work)
