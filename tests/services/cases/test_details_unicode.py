"""What a victim's keyboard may send for a reference, surname or postcode: other digits and dashes, accents typed
as separate marks, and characters that are no letters at all."""

from datetime import date

import pytest

from bot.services.cases import details
from bot.services.cases.details import CaseDetailError

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    "typed",
    [
        "４１/１２３４５/２４",  # full-width digits (a Japanese or Chinese keyboard)
        "٤١/١٢٣٤٥/٢٤",  # Arabic-Indic digits
        "41–12345–24",  # en dashes, as phones' "smart punctuation" writes them
        "41—12345—24",
        "41−12345−24",  # minus signs
        "41／12345／24",  # full-width solidus
    ],
)
def test_references_in_other_digits_and_dashes_are_the_same_reference(typed):
    assert details.normalise_reference(typed, today=TODAY) == "41/12345/24"


def test_another_forces_code_in_other_digits_is_named_in_ascii():
    with pytest.raises(CaseDetailError) as error:
        details.normalise_reference("０１/１２３４５/２４", today=TODAY)
    assert (error.value.reason, error.value.force_code) == ("force", "01")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Zoe\u0308", "zoe"), ("Nguye\u0302\u0303n", "nguyen"), ("Mu\u0308ller", "muller")],
)
def test_a_surname_typed_with_separate_accent_marks_matches_the_composed_one(typed, expected):
    assert details.normalise_surname(typed) == expected
    assert details.normalise_surname(typed) == details.normalise_surname(typed.replace("\u0308", ""))


@pytest.mark.parametrize("typed", ["²", "½", "③", "² ³"])
def test_a_surname_without_a_single_letter_is_refused(typed):
    with pytest.raises(CaseDetailError) as error:
        details.normalise_surname(typed)
    assert error.value.field == "surname"


def test_postcodes_in_full_width_letters_are_read():
    assert details.normalise_postcode("ＡＬ１ ３ＡＢ") == "AL1 3AB"
