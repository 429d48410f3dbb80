"""`staff add`, `staff token`: accounts for the complaints team's dashboard and its JSON API."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import run_once
from bot.db.models import STAFF_ROLES, StaffUser
from bot.services import clock
from bot.services.staff import accounts, sessions
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the staff subcommands."""
    parser = subparsers.add_parser("staff", help="staff accounts for the dashboard")
    commands = parser.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = commands.add_parser("add", help="create a staff account")
    add.add_argument("email")
    add.add_argument("--role", choices=STAFF_ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=_add)
    token = commands.add_parser("token", help="print a new API token for an account (as the last line)")
    token.add_argument("email")
    token.set_defaults(handler=_token)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise accounts.StaffError("the two passwords differ")
    return first


def _add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        password = _read_password(args.password_stdin)
        user = asyncio.run(_add_user(settings, args.email, args.role, password))
    except accounts.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {user.role} account {user.email}")
    return 0


async def _add_user(settings: Settings, email: str, role: str, password: str) -> StaffUser:
    return await run_once(settings, lambda session: accounts.add(session, email, role, password))


def _token(args: argparse.Namespace, settings: Settings) -> int:
    try:
        token = asyncio.run(_new_token(settings, args.email))
    except accounts.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("New API token (shown only this once; send it as 'Authorization: Bearer TOKEN'):")
    print(token)
    return 0


async def _new_token(settings: Settings, email: str) -> str:
    async def work(session: AsyncSession) -> str:
        user = await accounts.find(session, email)
        if user is None or not user.active:
            raise accounts.StaffError(f"no active account for {accounts.normalise_email(email)}")
        return await sessions.create_api_token(session, user, clock.now())

    return await run_once(settings, work)
