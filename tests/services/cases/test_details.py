"""What a victim types for Track My Crime: references, surnames and postcodes normalised, and their hash."""

from datetime import datetime, timezone

import pytest

from bot.services.cases import details
from bot.services.cases.details import CaseDetailError

TODAY = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc).date()


# --- normalisation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "41/12345/24",
        "41 12345 24",
        "41-12345-2024",
        "41/12345/2024",
        " 41 / 12345 / 24 ",
        "41.12345.24",
        "41\\12345\\24",
        "my ref is 41/12345/24 thanks",
        "crn: 41 - 12345 - 24.",
    ],
)
def test_references_are_normalised_however_typed(typed):
    assert details.normalise_reference(typed, today=TODAY) == "41/12345/24"


def test_short_serials_are_padded_so_leading_zeros_do_not_matter():
    assert details.normalise_reference("41/123/24", today=TODAY) == "41/00123/24"
    assert details.normalise_reference("41/00123/24", today=TODAY) == "41/00123/24"
    assert details.normalise_reference("41/1234567/24", today=TODAY) == "41/1234567/24"


@pytest.mark.parametrize("typed", ["", "hello", "41/12/24", "4112345 24", "41/12345/245", "41/12345", "12345"])
def test_malformed_references_are_refused_as_format(typed):
    with pytest.raises(CaseDetailError) as error:
        details.normalise_reference(typed, today=TODAY)
    assert (error.value.field, error.value.reason) == ("reference", "format")


def test_other_forces_references_are_refused_with_their_code():
    with pytest.raises(CaseDetailError) as error:
        details.normalise_reference("01/12345/24", today=TODAY)
    assert error.value.reason == "force"
    assert error.value.force_code == "01"


@pytest.mark.parametrize("typed", ["41/12345/27", "41/12345/2027", "41/12345/1999", "41/12345/2124"])
def test_years_in_the_future_or_last_century_are_refused(typed):
    with pytest.raises(CaseDetailError) as error:
        details.normalise_reference(typed, today=TODAY)
    assert error.value.reason == "year"


def test_this_years_references_are_accepted():
    assert details.normalise_reference("41/12345/2026", today=TODAY) == "41/12345/26"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Smith", "smith"),
        ("  SMITH ", "smith"),
        ("O'Brien", "obrien"),
        ("O\u2019Brien", "obrien"),
        ("o brien", "obrien"),
        ("Smith-Jones", "smithjones"),
        ("Zoë", "zoe"),
        ("Müller", "muller"),
        ("St. John", "stjohn"),
        ("my surname is Smith", "smith"),
        ("It's Smith", "smith"),
        ("last name: Patel", "patel"),
    ],
)
def test_surnames_are_normalised(typed, expected):
    assert details.normalise_surname(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "12345", "smith@example.com", "Smith 2", "x" * 61, "41/12345/24"])
def test_things_that_are_not_surnames_are_refused(typed):
    with pytest.raises(CaseDetailError) as error:
        details.normalise_surname(typed)
    assert error.value.field == "surname"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AL1 3AB", "AL1 3AB"),
        ("al13ab", "AL1 3AB"),
        ("  sg12   9xy ", "SG12 9XY"),
        ("it's WD17 1HP", "WD17 1HP"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
    ],
)
def test_postcodes_are_normalised(typed, expected):
    assert details.normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "12345", "AL1", "hello there", "AL1 3A", "41/12345/24"])
def test_things_that_are_not_postcodes_are_refused(typed):
    with pytest.raises(CaseDetailError) as error:
        details.normalise_postcode(typed)
    assert error.value.field == "postcode"


# --- hashing ---------------------------------------------------------------------------------------------------


def test_hashes_are_salted_per_row_and_verify_only_the_same_details():
    first = details.hash_details("smith", "AL1 3AB")
    second = details.hash_details("smith", "AL1 3AB")
    assert first != second  # a fresh salt each time
    assert first.startswith("$argon2id$")
    assert "smith" not in first.lower() and "al1" not in first.lower()
    assert details.verify_details(first, "smith", "AL1 3AB")
    assert details.verify_details(second, "smith", "AL1 3AB")
    assert not details.verify_details(first, "smyth", "AL1 3AB")
    assert not details.verify_details(first, "smith", "AL1 3AC")
    assert not details.verify_details("not a hash", "smith", "AL1 3AB")
