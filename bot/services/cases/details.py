"""What a victim types for Track My Crime: the crime reference, surname and postcode, and their salted hash.

Nothing here logs or audits them: the audit log and the attempts table hold pseudonyms only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.services import clock
from bot.services.parsing import names, parsed, postcodes

FORCE_CODE = "41"  # Hertfordshire Constabulary's force code, the first part of every reference

# Three parts: force code, serial (3-7 digits), year (2 or 4 digits); any of / - . \ or spaces between them.
REFERENCE = re.compile(r"(?<!\d)(\d{2})\s*[/\\.\-\s]\s*(\d{3,7})\s*[/\\.\-\s]\s*(\d{4}|\d{2})(?!\d)")
SURNAME_MAX = 60
# Dashes a phone's "smart punctuation" or another keyboard may put between the parts: read as "-".
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")

# OWASP's minimum for Argon2id (19 MiB, 2 passes): slow enough to hurt guessing, fast enough for a chat.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


class CaseDetailError(ValueError):
    """Something a victim typed is not a valid reference, surname or postcode."""

    def __init__(self, field: str, reason: str = "format", *, force_code: str | None = None) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason  # "format", "force" (another force's reference) or "year" (in the future)
        self.force_code = force_code


def _error(field: str) -> Callable[[str], CaseDetailError]:
    return lambda reason: CaseDetailError(field)


def normalise_reference(raw: str, *, today: date | None = None) -> str:
    """The canonical 41/NNNNN/YY form of a crime reference number found in what was typed.

    Accepts "41/12345/24", "41 12345 24", "41-12345-2024" and the like, also inside a sentence. The serial is
    compared as a number and written with at least five digits (41/123/24 -> 41/00123/24). A four-digit year
    must be 20xx and is shortened to its last two digits; a two-digit year means 20yy. Years after this one and
    other forces' codes are refused with their own reason, so the caller can explain.
    """
    match = REFERENCE.search(_plain(raw or ""))
    if match is None:
        raise CaseDetailError("reference")
    force, serial, year = match.groups()
    if force != FORCE_CODE:
        raise CaseDetailError("reference", "force", force_code=force)
    if len(year) == 4:
        if not year.startswith("20"):
            raise CaseDetailError("reference", "year")
        year = year[2:]
    if 2000 + int(year) > (today or clock.today()).year:
        raise CaseDetailError("reference", "year")
    return f"{FORCE_CODE}/{int(serial):05d}/{year}"


def _plain(text: str) -> str:
    """Full-width forms (NFKC), other scripts' digits as ASCII digits, dashes as "-", runs of spaces as one."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    ascii_digits = (str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)
    return " ".join("".join(ascii_digits).split())


def normalise_surname(raw: str) -> str:
    """The letters of a surname, case-folded and without accents, spaces, hyphens or apostrophes."""
    text = parsed(lambda typed: names.normalise_name(typed, max_length=SURNAME_MAX), raw, _error("surname"))
    decomposed = unicodedata.normalize("NFKD", text)
    # Combining accents are not letters, so "Zoë" and "Zoe" compare equal, as do "O'Brien" and "OBRIEN".
    letters = "".join(char for char in decomposed if char.isalpha()).casefold()
    if not letters:  # "²" or "½" pass as word characters, but are no letters
        raise CaseDetailError("surname")
    return letters


def normalise_postcode(raw: str) -> str:
    """A UK postcode found in what was typed, upper case with one space ("AL1 3AB")."""
    return parsed(postcodes.normalise_postcode, raw, _error("postcode"))


def _secret(surname: str, postcode: str) -> str:
    return f"{surname}\n{postcode}"


def hash_details(surname: str, postcode: str) -> str:
    """Argon2id hash, with a fresh random salt, of a normalised surname and postcode together."""
    return _HASHER.hash(_secret(surname, postcode))


def verify_details(verifier_hash: str, surname: str, postcode: str) -> bool:
    """True when the normalised surname and postcode are the ones hashed."""
    try:
        return _HASHER.verify(verifier_hash, _secret(surname, postcode))
    except (VerificationError, InvalidHashError):
        return False


@cache
def decoy_hash() -> str:
    """A hash to verify against when the reference is unknown, so that takes as long as a real check.

    Response times then do not reveal which references exist.
    """
    return hash_details("decoy", "ZZ1 1ZZ")
