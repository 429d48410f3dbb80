"""The demo found items: loaded once, dated relative to today, and found by the README's example."""

from datetime import timedelta

from bot.services import clock
from bot.services.lost_property.demo import load_demo_found_items
from bot.services.lost_property.search import LostQuery, search


async def test_demo_items_load_once_and_can_be_found(session):
    added = await load_demo_found_items(session)
    assert added >= 10
    assert await load_demo_found_items(session) == 0
    today = clock.today()
    lost = LostQuery("phones", "iphone", "black", "Watford town centre", today - timedelta(days=1))
    matches = await search(session, lost, today=today)
    assert matches and matches[0].held_at == "Watford Police Station"
    assert all(match.found_on >= today - timedelta(days=90) for match in matches)  # the disposed one is not shown
