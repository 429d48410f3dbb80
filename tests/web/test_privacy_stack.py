"""The privacy test (issue 16): every flow through /api/chat with marked personal data, on the real stack.

Then the whole database (every table, the tracker store's included; on SQLite the file and its write-ahead
log byte by byte) and every log line are searched for each marked value: none outside the tickets and
reports that must hold them, and none at all after `subject erase`, or after `purge` with zero-day retention.
It runs on SQLite and on PostgreSQL. The zero-day purge empties the stack's conversations, lost reports and
audit log and anonymises its closed complaints (cases, found items and open complaints stay): stack tests
make the conversations they check.
"""

from __future__ import annotations

import asyncio
import random
import string
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import inspect, select, text

from bot.db.engine import create_engine
from bot.db.models import Complaint
from bot.services.complaints import tickets, workflow
from bot.stack import Stack

pytestmark = pytest.mark.stack

ALLOWED = {"complaints", "lost_reports"}  # the tables that must hold what residents gave for a ticket or report


@dataclass(frozen=True)
class Marks:
    """Personal data no test data or demo data contains, one value per kind."""

    tag: str

    @classmethod
    def new(cls, seed: int) -> Marks:
        """Eight letters from a fixed seed: each stack is new (its database, its log), so fixed marks are unique."""
        return cls("".join(random.Random(seed).choices(string.ascii_lowercase, k=8)))

    def __getattr__(self, kind: str) -> str:
        if kind.startswith("_"):
            raise AttributeError(kind)
        return f"z{kind[:2]}{self.tag}"

    @property
    def phone(self) -> str:
        return "07700900" + str(100 + sum(map(ord, self.tag)) % 800)  # Ofcom's drama range, never 123

    @property
    def postcode(self) -> str:
        return f"Q{self.tag[0].upper()}9 9{self.tag[1:3].upper()}"

    @property
    def reference(self) -> str:
        return f"41/{50000 + sum(map(ord, self.tag)) % 40000}/25"

    def searched(self) -> dict[str, str]:
        """Each marked value as it is searched for (lower case; a postcode also without its space)."""
        found = {kind: getattr(self, kind) for kind in
                 ("surname", "complainant", "email_local", "narrative", "owner", "place", "partner", "exit", "stopped",
                  "dropped")}  # fmt: skip
        found |= {"phone": self.phone, "postcode": self.postcode, "postcode_unspaced": self.postcode.replace(" ", ""),
                  "reference": self.reference}  # fmt: skip
        return {kind: value.lower() for kind, value in found.items()}


def _chat(stack: Stack, messages: list[str]) -> list[str]:
    sender = str(uuid.uuid4())
    said = []
    for message in messages:
        said += [reply.get("text", "") for reply in stack.chat(sender, message)]
    return said


def drive_every_flow(stack: Stack, marks: Marks) -> dict[str, str]:
    """Every flow with marked data; returns the contacts a subject erasure is asked for."""
    replies = _chat(stack, ["any update on my case?", marks.reference, f"Quux{marks.surname}", marks.postcode])
    assert any("couldn't find a case matching" in reply for reply in replies)
    email = f"{marks.email_local}@example.org"
    replies = _chat(stack, [
        "I want to complain about an officer", "/start_complaint", "I was affected", f"Zebedee {marks.complainant}",
        email, marks.phone, "email", f"PC Smith shouted at me outside the {marks.narrative} shop", "last Tuesday",
        "Hatfield", "PC 1234", "no", "no", "no", "an apology", "yes", "/complaint_submit",
    ])  # fmt: skip
    assert any("Your reference is CRT-" in reply for reply in replies), replies[-3:]
    replies = _chat(stack, ["I want to complain about an officer", "/start_complaint", "I was affected",
                            f"Zebedee {marks.stopped}", "/stop"])  # fmt: skip
    owner_email = f"{marks.owner}@example.org"
    replies = _chat(stack, [
        "I've lost my phone", "/search_lost_item", "a purple trombone", "a sparkly sticker", f"{marks.place} market",
        "yesterday", "/affirm", f"Zebedee {marks.owner}", owner_email,
    ])  # fmt: skip
    assert any("Your reference is LP-" in reply for reply in replies), replies[-3:]
    _chat(stack, ["I've lost my phone", "/search_lost_item", "a purple trombone", "no", f"{marks.dropped} park",
                  "yesterday", "/deny"])  # fmt: skip
    replies = _chat(stack, [f"my partner {marks.partner.capitalize()} keeps hitting me"])
    # A disclosure (issue 15): the domestic abuse help, led by one 999 line; stored as "[disclosure]".
    assert replies[0].startswith("If you're in danger now, call 999.") and "08088 088088" in replies[0]
    sender = str(uuid.uuid4())  # the quick exit: something no rule recognises, then "Leave this site"
    stack.chat(sender, f"I saw {marks.exit.capitalize()} do it and I want to report it")
    assert stack.request("POST", f"/api/chat/{sender}/forget")[0] == 204
    return {"email": email, "owner": owner_email}


async def _rows(stack: Stack) -> dict[str, list[str]]:
    engine = create_engine(stack.settings)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            return {
                name: [str(tuple(row)).lower() for row in await connection.execute(text(f'SELECT * FROM "{name}"'))]
                for name in names
            }
    finally:
        await engine.dispose()


def found_in(stack: Stack, marks: Marks) -> dict[str, set[str]]:
    """Where each marked value is: table names, "database file" (SQLite bytes) and "logs"."""
    rows = asyncio.run(_rows(stack))
    assert {"events", "tracker_senders", "audit_log", "forgotten_conversations"} <= set(rows)
    files = b""
    if stack.settings.database_url.startswith("sqlite"):
        for suffix in ("", "-wal", "-journal"):
            path = stack.settings.var_dir / f"bot.db{suffix}"
            files += path.read_bytes().lower() if path.exists() else b""
    logs = stack.log().lower()
    where: dict[str, set[str]] = {}
    for kind, value in marks.searched().items():
        places = {name for name, lines in rows.items() if any(value in line for line in lines)}
        places |= {"database file"} if value.encode() in files else set()
        places |= {"logs"} if value in logs else set()
        where[kind] = places
    return where


async def _close_complaints(stack: Stack) -> None:
    engine = create_engine(stack.settings)
    try:
        async with engine.begin() as connection:
            references = (await connection.execute(select(Complaint.reference).where(Complaint.status != "closed")))
            references = [reference for (reference,) in references]
        from bot.db.engine import create_sessionmaker, unit_of_work

        for reference in references:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                ticket = await tickets.get(session, reference)
                await workflow.change_status(session, ticket, "closed", actor="test", staff_id=None)
    finally:
        await engine.dispose()


def test_personal_data_is_kept_only_where_it_must_be_and_goes_when_erased_or_purged(any_stack):
    stack = any_stack
    marks = Marks.new(16)
    contacts = drive_every_flow(stack, marks)
    where = found_in(stack, marks)
    for kind in ("surname", "postcode", "postcode_unspaced", "reference", "partner", "exit", "stopped", "dropped"):
        assert where[kind] == set(), (kind, where[kind])  # typed, used, gone
    for kind in ("complainant", "email_local", "phone", "narrative"):
        assert where[kind] - {"database file"} == {"complaints"}, (kind, where[kind])
    for kind in ("owner", "place"):
        assert where[kind] - {"database file"} == {"lost_reports"}, (kind, where[kind])

    # Erasure: the complaint is closed first (an open one is kept, as the law requires), then erased.
    asyncio.run(_close_complaints(stack))
    for contact in contacts.values():
        result = stack.command("subject", "erase", contact)
        assert result.returncode == 0 and "removed:" in result.stdout, result.stdout + result.stderr
        assert marks.tag not in (result.stdout + result.stderr).lower()
    assert found_in(stack, marks) == {kind: set() for kind in marks.searched()}

    # Retention: everything again, then a purge with zero-day retention leaves nothing.
    marks = Marks.new(1616)
    drive_every_flow(stack, marks)
    asyncio.run(_close_complaints(stack))
    zero = {name: "0" for name in ("BOT_RETAIN_CONVERSATIONS_DAYS", "BOT_RETAIN_COMPLAINTS_DAYS",
            "BOT_RETAIN_LOST_REPORTS_DAYS", "BOT_RETAIN_LOST_MARGIN_DAYS", "BOT_RETAIN_AUDIT_DAYS",
            "BOT_FORM_IDLE_MINUTES")}  # fmt: skip
    result = stack.command("purge", extra_env=zero)
    assert result.returncode == 0, result.stderr
    assert "complaints anonymised: " in result.stdout and marks.tag not in result.stdout.lower()
    assert found_in(stack, marks) == {kind: set() for kind in marks.searched()}
