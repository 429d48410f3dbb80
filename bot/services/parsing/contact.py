"""E-mail addresses and UK phone numbers as residents and staff type them ("my email is ...", "+44 (0)7700 ...")."""

from __future__ import annotations

import re

from bot.services.parsing import ParseError

EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[a-z]{2,}$")
_MARKUP = re.compile(r"[<>\"'(),;]")  # never in an address a resident gives us
_EMAIL_LEAD_IN = re.compile(r"^(?:my\s+)?e-?mail(?:\s+address)?\s*(?:is|:)?\s*")
_PHONE_LEAD_IN = re.compile(r"^(?:my\s+)?(?:phone|mobile|number|tel)(?:\s+number)?\s*(?:is|:)?\s*", re.IGNORECASE)
_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")
_UK_PHONE = re.compile(r"0\d{9,10}")


def normalise_email(raw: str, *, typed_in_chat: bool = True) -> str:
    """A trimmed, lower-case e-mail address; ParseError("email") if there is none.

    Typed in the chat, it may come in a sentence ("my email is jo@example.org") and may not hold markup
    characters. Otherwise (a staff account's address) it is taken as it is.
    """
    text = (raw or "").strip().strip(".").lower()
    if typed_in_chat:
        text = _EMAIL_LEAD_IN.sub("", text)
        # In a sentence ("you can reach me at jo@example.org"), the address is the word with the @.
        words = [word.strip("<>().,;") for word in text.split() if "@" in word]
        text = words[0] if len(words) == 1 else text
    if len(text) > EMAIL_MAX or not _EMAIL.match(text) or (typed_in_chat and _MARKUP.search(text)):
        raise ParseError("email")
    return text


def normalise_phone(raw: str) -> str:
    """A UK phone number as digits ("07700900123"), from "+44 7700 900123", "07700-900 123" and the like."""
    digits = _PHONE_PUNCTUATION.sub("", _PHONE_LEAD_IN.sub("", (raw or "").strip()))
    for international in ("+44", "0044"):
        if digits.startswith(international):
            digits = "0" + digits[len(international) :].lstrip("0")
    if not _UK_PHONE.fullmatch(digits):
        raise ParseError("phone")
    return digits


def normalise_contact(raw: str) -> str:
    """An e-mail address (with an @) or else a UK phone number, normalised; ParseError("contact") if neither."""
    try:
        return normalise_email(raw) if "@" in (raw or "") else normalise_phone(raw)
    except ParseError as exc:
        raise ParseError("contact") from exc
