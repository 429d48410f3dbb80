"""UK postcodes as typed: "al13ab", "AL1 3AB", "it's WD17 1HP"."""

from __future__ import annotations

import re
import unicodedata

from bot.services.parsing import ParseError

# Outward code (area letters, district digit, optional letter or digit), then the inward code (digit, two letters).
POSTCODE = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})(?![A-Z0-9])")


def normalise_postcode(raw: str) -> str:
    """A UK postcode found in what was typed, upper case with one space ("AL1 3AB"); ParseError("postcode") if none.

    Full-width letters and digits ("ＡＬ１ ３ＡＢ") are read as their ASCII forms (NFKC).
    """
    match = POSTCODE.search(unicodedata.normalize("NFKC", raw or "").upper())
    if match is None:
        raise ParseError("postcode")
    return f"{match.group(1)} {match.group(2)}"
