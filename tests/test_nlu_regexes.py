"""The regex features in data/nlu agree with the parsers in bot/services/cases.py on every case_detail example."""

import re
from pathlib import Path

import pytest

from bot.services import cases
from tests.test_nlu_split import examples, section_examples

ROOT = Path(__file__).resolve().parent.parent
REGEXES = {name: re.compile(pattern) for name, pattern in section_examples(ROOT / "data/nlu/cases.yml", "regex")}
CASE_DETAILS = sorted(text for text, intent in examples(ROOT / "data" / "nlu").items() if intent == "case_detail")


@pytest.mark.parametrize("text", CASE_DETAILS)
def test_the_crime_reference_feature_fires_where_the_service_finds_a_reference(text):
    assert bool(REGEXES["crime_reference"].search(text)) == bool(cases._REFERENCE.search(text))


@pytest.mark.parametrize("text", CASE_DETAILS)
def test_the_postcode_feature_fires_where_the_service_finds_a_postcode(text):
    assert bool(REGEXES["postcode"].search(text)) == bool(cases._POSTCODE.search(text.upper()))


def test_the_features_fire_on_some_examples_and_not_on_a_surname():
    assert REGEXES["crime_reference"].search("my crime number is 41 10987 26")
    assert REGEXES["postcode"].search("postcode al10 9ab")
    assert not any(pattern.search("smith") for pattern in REGEXES.values())
