"""Names as residents type them: the lead-ins ("my name is", "surname: ", "it's") and what a name may look like."""

from __future__ import annotations

import re
import unicodedata

from bot.services.parsing import ParseError

# "my name is", "my surname is", "last name:", "name's", "it is", "it's", "its", "i'm", "i am", "call me", "this is".
_LEAD_IN = re.compile(
    r"^\s*(?:(?:my\s+)?(?:(?:sur|last|family|full|first)\s*)?name\s*(?:is|['\u2019]s|:)?|it\s*is|it['\u2019]?s|"
    r"i['\u2019]?m|i\s+am|call\s+me|this\s+is)\s+",
    re.IGNORECASE,
)
# Letters, with spaces, apostrophes (\u2019 too), full stops and hyphens between them: no digits or symbols.
_NAME = re.compile(r"^[^\W\d_]+(?:[\s'\u2019.\-]+[^\W\d_]+)*\.?$")


def without_lead_in(raw: str) -> str:
    """What was typed without a "my name is" and the like in front, trimmed, spaces collapsed."""
    return " ".join(_LEAD_IN.sub("", raw or "").split())


def _without_marks(text: str) -> str:
    # Accents and vowel signs that stay separate characters (Devanagari, Gurmukhi, Thai...) belong to their letter.
    return "".join(char for char in text if not unicodedata.category(char).startswith("M"))


def normalise_name(raw: str, *, max_length: int) -> str:
    """A name as typed (no lead-in, accents composed); ParseError("name") for digits, symbols or over max_length."""
    text = unicodedata.normalize("NFC", without_lead_in(raw))
    if not text or len(text) > max_length or not _NAME.match(_without_marks(text)):
        raise ParseError("name")
    return text
