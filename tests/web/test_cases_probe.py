"""End to end through /api/chat: a victim gets their status; strangers guessing references learn nothing."""

import http.client
import json
import random
import sqlite3
import uuid

import pytest

from bot.services import attempt_limits
from bot.services.cases.demo import DEMO_CSV
from bot.services.cases.importer import COLUMNS, parse_export
from bot.services.cases.status import STATUSES

pytestmark = pytest.mark.stack

DEMO_ROWS, _ = parse_export(",".join(COLUMNS) + "\n" + DEMO_CSV)
VICTIM = next(row for row in DEMO_ROWS if row.reference == "41/10234/26")  # Smith, AL1 3AB; the probes avoid it
SECRETS = {
    text for row in DEMO_ROWS for text in (row.offence, row.status_detail, row.officer_name, row.officer_contact)
}
SECRETS = {text for text in SECRETS | set(STATUSES.values()) if text}


def _texts(replies):
    return " ".join(str(reply.get("text") or "") for reply in replies)


def _check_case(stack, sender, reference, surname, postcode):
    replies = []
    for message in ("any update on my case?", reference, surname, postcode):
        replies += stack.chat(sender, message)
    return replies


def test_a_victim_reads_their_status_and_the_details_are_forgotten(stack):
    sender = str(uuid.uuid4())
    replies = _check_case(stack, sender, "41 10234 2026", "smith", "al1 3ab")
    text = _texts(replies)
    assert VICTIM.offence in text
    assert STATUSES[VICTIM.status] in text
    assert VICTIM.officer_name in text
    assert "Beacon" in text and "0300 011 5555" in text
    assert "anything else" in text

    with sqlite3.connect(stack.settings.var_dir / "bot.db") as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id", (sender,)
        ).fetchall()
    last = {}
    for (data,) in rows:
        event = json.loads(data)
        last[event["name"]] = event["value"]
    for slot in ("case_reference", "case_surname", "case_postcode"):
        assert last.get(slot, "missing") is None, slot


def test_fifty_random_references_and_wrong_surnames_learn_nothing(stack):
    rng = random.Random(50)
    others = [row.reference for row in DEMO_ROWS if row.reference != VICTIM.reference]
    for probe in range(50):
        if probe % 2:
            reference = rng.choice(others)
        else:
            reference = f"41/{rng.randint(100, 99999):05d}/{rng.randint(15, 26)}"
        surname = rng.choice(["Jones", "Taylor", "Brown", "Williams", "Wilson", "Khan", "Smyth"])
        # From an address of its own: these failures lock it, and the session's other stack tests use 127.0.0.1.
        text = _check_case_from(stack, "127.0.0.2", reference, surname, "SG1 1AA")
        assert text.strip(), "the assistant said nothing"
        leaked = [secret for secret in SECRETS if secret in text]
        assert not leaked, (reference, leaked)
        assert "those details match" not in text
        assert "couldn't find a case" in text or "can't check case details" in text


def _chat_from(stack, address, sender, message):
    """/api/chat from another loopback address, so the web app sees another client."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.settings.web_port, timeout=60,
                                            source_address=(address, 0))
    try:
        body = json.dumps({"sender": sender, "message": message})
        connection.request("POST", "/api/chat", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        replies = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 200, replies
    return replies


def _check_case_from(stack, address, reference, surname, postcode):
    sender = str(uuid.uuid4())
    return _texts([reply for message in ("any update on my case?", reference, surname, postcode)
                   for reply in _chat_from(stack, address, sender, message)])


def test_guessing_from_one_address_locks_that_address_not_the_victim(stack):
    """The relay's client pseudonym reaches the action: a script that opens a new chat for every guess is
    stopped at its address, while the victim, elsewhere, still reads their status."""
    guesser, victim = "127.0.0.3", "127.0.0.4"
    rng = random.Random(17)
    for _ in range(attempt_limits.CLIENT_LIMIT):
        text = _check_case_from(stack, guesser, f"41/{rng.randint(60000, 99999):05d}/25", "Jones", "SG1 1AA")
        assert "couldn't find a case" in text
    sender = str(uuid.uuid4())  # one new conversation from the guesser's address
    refused = _texts([reply for message in ("any update on my case?", VICTIM.reference)
                      for reply in _chat_from(stack, guesser, sender, message)])
    assert "can't check case details" in refused and VICTIM.offence not in refused
    text = _check_case_from(stack, victim, VICTIM.reference, "Smith", "AL1 3AB")
    assert VICTIM.offence in text and STATUSES[VICTIM.status] in text
