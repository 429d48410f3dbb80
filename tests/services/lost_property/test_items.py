"""What an item is called: categories and their synonyms, typos, import categories, and advice."""

import pytest

from bot.services.lost_property.items import LostPropertyError, advice_for, category_of, normalise_category

# --- categories ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("purse", "wallets_purses"),
        ("my black leather purse", "wallets_purses"),
        ("iphone 13", "phones"),
        ("Samsung Galaxy", "phones"),
        ("car keys", "keys"),
        ("a set of keys on a keyring", "keys"),
        ("gold earrings", "jewellery"),
        ("my watch", "jewellery"),
        ("bicycle", "bikes"),
        ("driving licence", "documents"),
        ("passport", "documents"),
        ("id card", "documents"),
        ("debit card", "cards"),
        ("grey cardigan", "clothing"),
        ("rucksack", "bags"),
        ("airpods", "other"),
        ("a bag with my keys and wallet in it", "bags"),  # the first thing named is the item
    ],
)
def test_synonyms_map_to_their_category(typed, category):
    assert category_of(typed) == category


@pytest.mark.parametrize(
    ("typed", "category"),
    [("iphnoe", "phones"), ("wallett", "wallets_purses"), ("jewelery", "jewellery"), ("rucksak", "bags"),
     ("bicyle", "bikes"), ("pasport", "documents")],
)
def test_typos_still_find_the_category(typed, category):
    assert category_of(typed) == category


@pytest.mark.parametrize("typed", ["something", "my stuff", "nurse"])
def test_text_naming_no_item_has_no_category(typed):
    assert category_of(typed) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [("phones", "phones"), ("Wallets and purses", "wallets_purses"), ("wallets_purses", "wallets_purses"),
     ("Purse", "wallets_purses"), ("iPhone", "phones"), ("OTHER", "other")],
)
def test_import_categories_accept_codes_labels_and_synonyms(value, code):
    assert normalise_category(value) == code


def test_an_unknown_import_category_is_refused():
    with pytest.raises(LostPropertyError):
        normalise_category("dog")


# --- advice ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "where", "advice"),
    [
        ("£40 in cash", "Watford", ["cash"]),
        ("my passport", "Stevenage", ["passport"]),
        ("driving licence", "Hatfield", ["driving_licence"]),
        ("black wallet", "on the train to London", ["cards", "train"]),
        ("umbrella", "on the 301 bus", ["bus"]),
        ("bus pass", "Hitchin market", []),
        ("my dog", "the park", ["pet"]),
    ],
)
def test_advice_by_item_and_place(what, where, advice):
    assert advice_for(what, where) == advice
