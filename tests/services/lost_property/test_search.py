"""Herts Reunited matching: typos, the date window, places, ranking, privacy and the database search."""

from datetime import date, timedelta

from bot.db.models import FoundItem
from bot.services.lost_property.items import category_of
from bot.services.lost_property.search import DAYS_AFTER, LostQuery, rank, search

TODAY = date(2026, 11, 21)


def item(reference="FP/1", category="phones", description="iPhone in a black case", colour="Black", brand="Apple",
         days_ago=1, found_at="The Parade, Watford", held_at="Watford Police Station", keep=90):
    found_on = TODAY - timedelta(days=days_ago)
    return FoundItem(reference=reference, category=category, description=description, colour=colour, brand=brand,
                     found_on=found_on, found_at=found_at, held_at=held_at, dispose_after=found_on + timedelta(keep))


def query(description="my iphone", details="black", place="Watford", lost_days_ago=2, category=None):
    return LostQuery(category or category_of(description) or "other", description, details, place,
                     TODAY - timedelta(days=lost_days_ago))


# --- matching and ranking --------------------------------------------------------------------------------------


def test_a_typo_in_the_description_still_matches():
    found = [item(description="Samsung Galaxy A54 with a floral case", brand="Samsung", colour="Blue")]
    assert [m.reference for m in rank(found, query("samsng galaxy phone", "blue flowery case"))] == ["FP/1"]


def test_other_categories_never_match_even_with_the_same_words():
    found = [item(category="bags", description="black bag with an iphone charger")]
    assert rank(found, query("iphone", "black")) == []


def test_the_date_window_allows_a_little_before_and_some_weeks_after():
    inside = [item(reference=f"in-{days}", days_ago=days) for days in (0, 10, 40)]
    too_early = item(reference="early", days_ago=60)  # found two weeks before it was lost
    too_late = item(reference="late", days_ago=0)
    assert {m.reference for m in rank([*inside, too_early], query(lost_days_ago=43))} == {"in-0", "in-10", "in-40"}
    lost_long_ago = query(lost_days_ago=DAYS_AFTER + 5)
    assert rank([too_late], lost_long_ago) == []
    a_day_early = item(reference="misremembered", days_ago=4)
    assert [m.reference for m in rank([a_day_early], query(lost_days_ago=2))] == ["misremembered"]


def test_the_place_ranks_items_found_there_first():
    watford = item(reference="watford", found_at="The Parade, Watford", held_at="Watford Police Station")
    stevenage = item(reference="stevenage", found_at="Lytton Way, Stevenage", held_at="Stevenage Police Station")
    matches = rank([stevenage, watford], query("iphone", "black", place="watford high street"))
    assert [m.reference for m in matches] == ["watford", "stevenage"]


def test_a_misspelt_place_still_counts():
    found = [item(reference="s", found_at="Lytton Way, Stevenage", colour="", description="phone", brand="")]
    assert [m.reference for m in rank(found, query("phone", "", place="stevanage"))] == ["s"]


def test_a_category_alone_is_not_enough_to_show_an_item():
    found = [item(description="phone", colour="", brand="", found_at="Hitchin", held_at="Stevenage Police Station")]
    assert rank(found, query("phone", "", place="Watford")) == []


def test_a_different_colour_ranks_below_the_right_one():
    black = item(reference="black", colour="Black", description="purse", category="wallets_purses", brand="")
    red = item(reference="red", colour="Red", description="purse", category="wallets_purses", brand="")
    matches = rank([red, black], query("purse", "black", place="Watford"))
    assert matches[0].reference == "black"
    assert "red" not in [m.reference for m in rank([red], query("purse", "black", place="Luton"))]


def test_at_most_three_matches_are_shown():
    found = [item(reference=f"FP/{n}", days_ago=n % 5) for n in range(8)]
    assert len(rank(found, query())) == 3


def test_an_unknown_category_searches_every_category_by_words():
    found = [item(category="other", description="Kindle e-reader in a red cover", colour="Red", brand="Amazon")]
    assert [m.reference for m in rank(found, query("kindle", "red cover"))] == ["FP/1"]


def test_without_a_category_the_item_itself_must_be_named():
    earbuds = [item(category="other", description="Wireless earbuds in a charging case", colour="Black", brand="")]
    assert rank(earbuds, query("trombone", "black case", place="Watford")) == []
    assert len(rank(earbuds, query("earbuds", "black case", place="Watford"))) == 1


def test_a_match_shows_no_description():
    found = [item(category="wallets_purses", description="Purse, cards in the name of A. Khan", colour="Brown",
                  brand="Radley")]
    (match,) = rank(found, query("purse", "brown radley"))
    assert "Khan" not in repr(match)
    assert not hasattr(match, "description")


# --- the database search ---------------------------------------------------------------------------------------


async def test_search_leaves_out_disposed_items(session):
    session.add_all([item(reference="kept"), item(reference="disposed", keep=0, days_ago=2)])
    await session.flush()
    matches = await search(session, query(), today=TODAY)
    assert [m.reference for m in matches] == ["kept"]
