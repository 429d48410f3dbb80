"""The regex features in data/nlu: the case-detail shapes agree with bot/services/cases.py on every case_detail
example, and the places outside Hertfordshire never name a place inside it."""

import re
from pathlib import Path

import pytest

from bot.services.cases import details as cases
from bot.services.parsing import postcodes
from tests.test_nlu_split import examples, section_examples

ROOT = Path(__file__).resolve().parent.parent
REGEXES = {name: re.compile(pattern) for name, pattern in section_examples(ROOT / "data/nlu/cases.yml", "regex")}
OUTSIDE = [
    re.compile(pattern)
    for name, pattern in section_examples(ROOT / "data/nlu/out_of_scope.yml", "regex")
    if name == "outside_hertfordshire"
]
# Hertfordshire's districts and main towns (the source documents name several; the rest are its well-known towns).
HERTS_PLACES = [
    "hertfordshire",
    "herts",
    "watford",
    "st albans",
    "stevenage",
    "hemel hempstead",
    "hatfield",
    "welwyn garden city",
    "welwyn hatfield",
    "hitchin",
    "letchworth",
    "baldock",
    "royston",
    "bishops stortford",
    "hertford",
    "ware",
    "cheshunt",
    "hoddesdon",
    "broxbourne",
    "dacorum",
    "berkhamsted",
    "tring",
    "harpenden",
    "borehamwood",
    "bushey",
    "rickmansworth",
    "potters bar",
    "radlett",
    "sawbridgeworth",
    "buntingford",
    "three rivers",
    "hertsmere",
    "east herts",
    "north herts",
]
TRAINING = examples(ROOT / "data" / "nlu")
CASE_DETAILS = sorted(text for text, intent in TRAINING.items() if intent == "case_detail")


@pytest.mark.parametrize("text", CASE_DETAILS)
def test_the_crime_reference_feature_fires_where_the_service_finds_a_reference(text):
    assert bool(REGEXES["crime_reference"].search(text)) == bool(cases.REFERENCE.search(text))


@pytest.mark.parametrize("text", CASE_DETAILS)
def test_the_postcode_feature_fires_where_the_service_finds_a_postcode(text):
    assert bool(REGEXES["postcode"].search(text)) == bool(postcodes.POSTCODE.search(text.upper()))


def test_the_features_fire_on_some_examples_and_not_on_a_surname():
    assert REGEXES["crime_reference"].search("my crime number is 41 10987 26")
    assert REGEXES["postcode"].search("postcode al10 9ab")
    assert not any(pattern.search("smith") for pattern in REGEXES.values())


def outside(text: str) -> bool:
    """Whether the outside_hertfordshire feature fires on the text."""
    return any(pattern.search(text) for pattern in OUTSIDE)


@pytest.mark.parametrize("place", HERTS_PLACES)
def test_no_hertfordshire_place_reads_as_outside_the_county(place):
    assert not outside(f"i live in {place}")
    assert not outside(f"{place.title()} police station")


@pytest.mark.parametrize(
    "text", ["i live in York", "MY CAR WAS STOLEN IN LONDON", "how do i contact the met police", "police scotland"]
)
def test_places_and_forces_outside_the_county_fire_in_any_case(text):
    assert outside(text)


@pytest.mark.parametrize(
    "text", ["is a real person reading this", "i met him at the station", "we live in the county", "Preston", "Lincoln"]
)
def test_ordinary_words_and_surnames_do_not_fire(text):
    assert not outside(text)


def test_the_place_feature_mostly_marks_other_force_area_examples():
    # A disclosure may name a place outside the county ("i was raped on holiday abroad"), so other topics fire it
    # too; the feature only helps while most examples that fire it are other_force_area or out_of_scope.
    fired = [intent for text, intent in TRAINING.items() if outside(text)]
    elsewhere = sum(intent in {"other_force_area", "out_of_scope"} for intent in fired)
    assert elsewhere / len(fired) >= 0.8
    assert max(fired.count(intent) for intent in set(fired) - {"other_force_area", "out_of_scope"}) <= 10
