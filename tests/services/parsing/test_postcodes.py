"""UK postcodes: every format, spaced or not, any case, inside a sentence."""

import pytest

from bot.services.parsing import ParseError
from bot.services.parsing.postcodes import POSTCODE, normalise_postcode


@pytest.mark.parametrize(
    ("typed", "postcode"),
    [
        ("AL1 3AB", "AL1 3AB"),  # A9 9AA
        ("al13ab", "AL1 3AB"),
        ("  sg12   9xy ", "SG12 9XY"),  # A99 9AA
        ("W1A 0AX", "W1A 0AX"),  # A9A 9AA
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A 9AA
        ("WD17 1HP", "WD17 1HP"),  # AA99 9AA
        ("M1 1AE", "M1 1AE"),
        ("it's WD17 1HP", "WD17 1HP"),
        ("my postcode is hp2 5aa thanks", "HP2 5AA"),
    ],
)
def test_postcodes_are_found_and_written_with_one_space(typed, postcode):
    assert normalise_postcode(typed) == postcode


@pytest.mark.parametrize("typed", ["", "12345", "AL1", "hello there", "AL1 3A", "41/12345/24", "AL1 3ABC"])
def test_what_is_not_a_postcode_is_refused(typed):
    with pytest.raises(ParseError) as error:
        normalise_postcode(typed)
    assert error.value.reason == "postcode"


def test_the_pattern_is_for_upper_case_text():
    assert POSTCODE.search("AL1 3AB")
    assert not POSTCODE.search("al1 3ab")
