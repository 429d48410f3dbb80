"""`staff add`, `staff token`: accounts for the complaints team's dashboard and its JSON API."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from bot.db.base import utcnow
from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.db.models import STAFF_ROLES, StaffUser
from bot.services import staff, staff_sessions
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
        raise staff.StaffError("the two passwords differ")
    return first


def _add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        password = _read_password(args.password_stdin)
        user = asyncio.run(_add_user(settings, args.email, args.role, password))
    except staff.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {user.role} account {user.email}")
    return 0


async def _add_user(settings: Settings, email: str, role: str, password: str) -> StaffUser:
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            return await staff.add(session, email, role, password)
    finally:
        await engine.dispose()


def _token(args: argparse.Namespace, settings: Settings) -> int:
    try:
        token = asyncio.run(_new_token(settings, args.email))
    except staff.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("New API token (shown only this once; send it as 'Authorization: Bearer TOKEN'):")
    print(token)
    return 0


async def _new_token(settings: Settings, email: str) -> str:
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await staff.find(session, email)
            if user is None or not user.active:
                raise staff.StaffError(f"no active account for {staff.normalise_email(email)}")
            return await staff_sessions.create_api_token(session, user, utcnow())
    finally:
        await engine.dispose()
