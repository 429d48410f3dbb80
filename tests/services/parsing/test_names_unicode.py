"""Names in any script, however the keyboard encodes their accents and vowel signs."""

import unicodedata

import pytest

from bot.services.parsing import ParseError
from bot.services.parsing.names import normalise_name


@pytest.mark.parametrize("typed", ["Zoe\u0308 Smith", "Nguye\u0302\u0303n Van An", "पटेल", "ਸਿੰਘ", "สมชาย", "Ιωάννης"])
def test_names_with_separate_marks_are_names(typed):
    name = normalise_name(typed, max_length=80)
    assert name == unicodedata.normalize("NFC", typed)  # stored composed, as the same name typed elsewhere


@pytest.mark.parametrize("typed", ["\u0301", "Smith\u0301 2", "Sm1th", "Smith 🙂"])
def test_marks_do_not_let_digits_or_symbols_through(typed):
    with pytest.raises(ParseError):
        normalise_name(typed, max_length=80)
