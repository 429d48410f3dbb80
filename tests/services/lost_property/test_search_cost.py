"""The search's cost is bounded by the words involved, not by how many found items there are times how long the
resident's description is: a 200-character description against thousands of items must not stall the action
server (every resident's turn waits on its event loop)."""

from datetime import date, timedelta

from bot.db.models import FoundItem
from bot.services.lost_property import items as items_module
from bot.services.lost_property.search import LostQuery, rank

TODAY = date(2026, 12, 4)
VOCABULARY = ["silver", "sandwich", "sapphire", "scarves", "scissors", "schoolbag", "spectacles", "stationery"]


def _found(n):
    found_on = TODAY - timedelta(days=n % 40)
    words = " ".join(VOCABULARY[(n + k) % len(VOCABULARY)] for k in range(6))
    return FoundItem(reference=f"FP/{n}", category="other", description=f"Kindle e-reader with {words}",
                     colour="Red", brand="Amazon", found_on=found_on, found_at="Stevenage station",
                     held_at="Stevenage Police Station", dispose_after=found_on + timedelta(90))


def test_fuzzy_comparisons_do_not_grow_with_the_number_of_items(monkeypatch):
    calls = []
    real = items_module.SequenceMatcher

    def counting(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(items_module, "SequenceMatcher", counting)
    items_module._close.cache_clear()
    typed = " ".join(f"s{chr(97 + i % 26)}{chr(97 + i * 7 % 26)}{chr(97 + i * 3 % 26)}xy" for i in range(30))[:200]
    query = LostQuery("other", typed, typed, typed, TODAY - timedelta(days=30))
    found = [_found(n) for n in range(2000)]
    assert rank(found, query) == []  # nothing matches: every comparison was made
    distinct_item_words = len(VOCABULARY) + 10
    assert len(calls) <= 30 * distinct_item_words * 2  # each distinct pair of words compared at most once (or so)


def test_the_ranking_is_the_same_when_the_same_query_is_asked_again():
    found = [_found(n) for n in range(50)]
    query = LostQuery("other", "kindle", "red sapphire cover", "Stevenage", TODAY - timedelta(days=5))
    first = rank(found, query, limit=50)
    assert first and rank(found, query, limit=50) == first
