"""The queue's search finds a resident's ticket by their name however it is capitalised, accents and all."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.db.engine import unit_of_work
from bot.services.complaints import tickets as complaint_tickets
from bot.services.complaints.details import ComplaintDetails

NAMES = ("Órla Ní Bhriain", "ÉLODIE Łukasiewicz", "Sam Taylor")


@pytest.fixture
async def named(sessions):
    """One ticket per name; its reference by name."""
    made = {}
    async with unit_of_work(sessions) as session:
        for n, name in enumerate(NAMES):
            details = ComplaintDetails(complainant_role="affected", name=name, narrative="Nobody rang me back.",
                                       email=f"resident{n}@example.org")  # fmt: skip
            complaint, _ = await complaint_tickets.create(
                session, details, sender_id=f"sender-{n}", key=f"key-{n}", now=datetime.now(timezone.utc) - timedelta(1)
            )
            made[name] = complaint.reference
    return made


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Órla", NAMES[0]),  # as written
        ("órla ní", NAMES[0]),  # in lower case
        ("ÓRLA", NAMES[0]),  # in capitals
        ("élodie", NAMES[1]),
        ("łukasiewicz", NAMES[1]),
        ("sam TAYLOR", NAMES[2]),
    ],
)
async def test_a_name_is_found_whatever_its_case(login_as, staff_client, api_token, named, typed, name):
    client = await login_as("officer")
    html = await (await client.get("/staff/tickets", params={"q": typed})).text()
    assert named[name] in html, f"searching {typed!r} did not find {name!r}"
    assert all(reference not in html for other, reference in named.items() if other != name)
    api = await staff_client()
    headers = {"Authorization": f"Bearer {await api_token('officer')}"}
    body = await (await api.get("/api/tickets", params={"q": typed}, headers=headers)).json()
    assert [row["reference"] for row in body["tickets"]] == [named[name]] and body["total"] == 1


@pytest.mark.parametrize("typed", ["*", "?", "[", "]", "%", "_", "[Ss]am", "S?m", "S*"])
async def test_wildcards_typed_in_a_search_are_plain_characters(login_as, named, typed):
    client = await login_as("officer")
    html = await (await client.get("/staff/tickets", params={"q": typed})).text()
    assert "No tickets match these filters." in html, typed
