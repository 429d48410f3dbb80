"""The demo cases: loaded once, through the importer, and verifiable with the details in the README."""

from bot.services.cases import status
from bot.services.cases.demo import load_demo_cases


async def test_demo_cases_load_once_and_can_be_verified(session):
    added = await load_demo_cases(session)
    assert added >= 5
    assert await load_demo_cases(session) == 0
    lookup = await status.check_status(
        session, conversation_id="demo", reference="41/10234/26", surname="Smith", postcode="AL1 3AB"
    )
    assert lookup.outcome == "match"
