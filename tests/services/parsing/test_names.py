"""Names: the lead-ins residents type before them, and what a name may look like."""

import pytest

from bot.services.parsing import ParseError
from bot.services.parsing.names import normalise_name, without_lead_in


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Jo O'Brien", "Jo O'Brien"),
        ("my name is Jo O'Brien", "Jo O'Brien"),
        ("My name's Jo", "Jo"),
        ("name: Jo", "Jo"),
        ("my surname is Smith", "Smith"),
        ("last name: Patel", "Patel"),
        ("family name is Nowak", "Nowak"),
        ("It's Smith", "Smith"),
        ("it\u2019s Smith", "Smith"),
        ("its smith", "smith"),
        ("I'm Sam Taylor", "Sam Taylor"),
        ("i am Sam", "Sam"),
        ("call me Sam", "Sam"),
        ("this is Sam", "Sam"),
        ("  Anne   Marie  ", "Anne Marie"),
    ],
)
def test_lead_ins_are_taken_off(typed, name):
    assert without_lead_in(typed) == name
    assert normalise_name(typed, max_length=80) == name


@pytest.mark.parametrize("typed", ["Zoë", "Smith-Jones", "St. John", "O\u2019Brien", "Müller"])
def test_names_from_everywhere_are_names(typed):
    assert normalise_name(typed, max_length=80) == typed


@pytest.mark.parametrize("typed", ["", "   ", "12345", "Smith 2", "smith@example.com", "07700 900123", "41/12345/24"])
def test_digits_and_symbols_are_no_name(typed):
    with pytest.raises(ParseError) as error:
        normalise_name(typed, max_length=80)
    assert error.value.reason == "name"


def test_a_name_has_a_longest():
    assert normalise_name("x" * 60, max_length=60) == "x" * 60
    with pytest.raises(ParseError):
        normalise_name("x" * 61, max_length=60)
