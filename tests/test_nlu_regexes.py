"""The regex features in data/nlu agree with the parsers in bot/services/cases.py on every case_detail example."""

import re
from pathlib import Path

import pytest

from bot.services import cases
from tests.test_nlu_split import _EXAMPLE, _SECTION, examples

ROOT = Path(__file__).resolve().parent.parent


def nlu_regexes(path: Path) -> dict[str, re.Pattern[str]]:
    """The `- regex: name` sections of a Rasa NLU file, compiled (one pattern each)."""
    found: dict[str, re.Pattern[str]] = {}
    name = None
    for line in path.read_text().splitlines():
        if match := _SECTION.match(line):
            name = match.group(2) if match.group(1) == "regex" else None
        elif name and (match := _EXAMPLE.match(line)):
            found[name] = re.compile(match.group(1))
    return found


CASE_DETAILS = sorted(text for text, intent in examples(ROOT / "data" / "nlu").items() if intent == "case_detail")


@pytest.mark.parametrize("text", CASE_DETAILS)
def test_the_crime_reference_feature_fires_where_the_service_finds_a_reference(text):
    feature = nlu_regexes(ROOT / "data" / "nlu" / "cases.yml")["crime_reference"]
    assert bool(feature.search(text)) == bool(cases._REFERENCE.search(text))


@pytest.mark.parametrize("text", CASE_DETAILS)
def test_the_postcode_feature_fires_where_the_service_finds_a_postcode(text):
    feature = nlu_regexes(ROOT / "data" / "nlu" / "cases.yml")["postcode"]
    assert bool(feature.search(text)) == bool(cases._POSTCODE.search(text.upper()))


def test_the_features_fire_on_some_examples_and_not_on_a_surname():
    regexes = nlu_regexes(ROOT / "data" / "nlu" / "cases.yml")
    assert regexes["crime_reference"].search("my crime number is 41 10987 26")
    assert regexes["postcode"].search("postcode al10 9ab")
    assert not any(pattern.search("smith") for pattern in regexes.values())
