"""`purge` (retention), `subject export|erase` (a person's data): what the privacy notice promises."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import create_engine, create_sessionmaker, reclaim, run_once, unit_of_work
from bot.services import clock, retention, subject_access
from bot.services.subject_access import Subject
from bot.settings import Settings

ACTOR = "cli"
# Tables that lose personal data to a purge or an erasure (PostgreSQL VACUUMs them afterwards).
PERSONAL_TABLES = ("events", "tracker_senders", "complaints", "complaint_notes", "complaint_flags", "lost_reports",
                   "audit_log", "forgotten_conversations", "lookup_alerts", "case_verification_attempts",
                   "complaint_lookup_attempts")  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the purge and subject subcommands."""
    purge = subparsers.add_parser("purge", help="delete what is past its retention period (run daily by `run`)")
    purge.add_argument("--forms-only", action="store_true", help="only remove the values of forms left idle")
    purge.set_defaults(handler=_purge)
    subject = subparsers.add_parser("subject", help="export or erase what is held about one person")
    actions = subject.add_subparsers(dest="subject_command", required=True, metavar="ACTION")
    for name, handler, text in (
        ("export", _export, "print one JSON document of everything held about them"),
        ("erase", _erase, "remove it (an open complaint is kept, and the output says why)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("contact", metavar="EMAIL|PHONE", help="their e-mail address or UK phone number")
        action.set_defaults(handler=handler)


async def sweep_forms(settings: Settings) -> int:
    """Remove the values of forms left idle, one conversation (one transaction, under its lock) at a time."""
    policy, now, swept = retention.Retention.of(settings), clock.now(), 0
    engine = create_engine(settings)
    try:
        sessions = create_sessionmaker(engine)
        async with unit_of_work(sessions) as session:
            idle = await retention.forms_to_sweep(session, policy, now=now)
        for sender in idle:
            async with unit_of_work(sessions) as session:
                swept += 1 if await retention.sweep_form(session, sender, policy, now=now) else 0
        if swept:
            await reclaim(engine, ("events",))
    finally:
        await engine.dispose()
    return swept


async def _purge_all(settings: Settings) -> retention.Purged:
    policy = retention.Retention.of(settings)
    purged = await run_once(settings, lambda session: retention.purge(session, policy, now=clock.now()))
    engine = create_engine(settings)
    try:
        await reclaim(engine, PERSONAL_TABLES)
    finally:
        await engine.dispose()
    return purged


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    swept = asyncio.run(sweep_forms(settings))
    # Printed once both have run: a database never migrated gets only its error, not a count of nothing first.
    lines = [] if args.forms_only else asyncio.run(_purge_all(settings)).lines()
    for line in (f"forms left idle, values removed: {swept}", *lines):
        print(line)
    return 0


def _subject(raw: str) -> Subject | None:
    try:
        return Subject.parse(raw)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _export(args: argparse.Namespace, settings: Settings) -> int:
    subject = _subject(args.contact)
    if subject is None:
        return 2

    async def work(session: AsyncSession) -> dict[str, Any]:
        return await subject_access.export(session, subject, actor=ACTOR, now=clock.now())

    print(json.dumps(asyncio.run(run_once(settings, work)), indent=2, ensure_ascii=False))
    return 0


def _erase(args: argparse.Namespace, settings: Settings) -> int:
    subject = _subject(args.contact)
    if subject is None:
        return 2

    async def work(session: AsyncSession) -> subject_access.Erasure:
        return await subject_access.erase(
            session, subject, actor=ACTOR, complaint_retention_days=settings.retain_complaints_days
        )

    async def erase_and_reclaim() -> subject_access.Erasure:
        erasure = await run_once(settings, work)
        engine = create_engine(settings)
        try:
            await reclaim(engine, PERSONAL_TABLES)
        finally:
            await engine.dispose()
        return erasure

    erasure = asyncio.run(erase_and_reclaim())
    for line in erasure.removed:
        print(f"removed: {line}")
    for line in erasure.kept:
        print(f"kept: {line}")
    if not erasure.removed and not erasure.kept:
        print("nothing is held about them")
    return 0
