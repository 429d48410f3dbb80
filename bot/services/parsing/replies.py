"""Short replies to a question: "skip", "don't know", "yes", "no", "not sure"."""

from __future__ import annotations

import re
from typing import Literal

# Not answering: skipping the question, or having nothing to say ("none", "don't know", "n/a").
_SKIP = re.compile(
    r"(?:skip(?: (?:it|this|that))?(?: one| question)?|pass|next(?: question)?|none|no(?:ne)? ?(?:thanks)?|nope|"
    r"n/?a|-|unknown|nothing|nobody|no one|(?:i )?don'?t know|dunno|not sure|no idea|can'?t remember|"
    r"i don'?t have (?:one|any|an? (?:e-?mail|phone|number)|(?:e-?mail|phone|number))|i'?d rather not say|"
    r"prefer not to say)"
)
# Only a deliberate skip: "none" or "no" can be an answer ("any injury?" "none").
_EXPLICIT_SKIP = re.compile(
    r"(?:skip(?: (?:it|this|that))?(?: one| question)?|pass|next(?: question)?|i'?d rather not say|prefer not to say)"
)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|y|i do|i have|they have|they did|correct|ok(?:ay)?|sure)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|nope|n|not yet|i don'?t|i haven'?t|they haven'?t|not really)\b", re.IGNORECASE)
_UNSURE = re.compile(r"\b(?:not sure|unsure|don'?t know|maybe|no idea)\b", re.IGNORECASE)


def _plain(text: str) -> str:
    """Lower case, one space between words, straight apostrophes, no full stop or exclamation mark around it."""
    return " ".join((text or "").lower().replace("\u2019", "'").split()).strip(" .!")


def is_skip(text: str) -> bool:
    """The resident chose not to answer or has nothing to say ("skip", "none", "don't know", "n/a", nothing)."""
    return bool(_SKIP.fullmatch(_plain(text)))


def is_explicit_skip(text: str) -> bool:
    """The resident asked to skip the question ("skip", "pass", "prefer not to say"), not just answered "none"."""
    return bool(_EXPLICIT_SKIP.fullmatch(_plain(text)))


def yes_no(text: str) -> Literal["yes", "no", "unsure"] | None:
    """A yes, a no or a not sure, or None when the reply is none of them."""
    if _UNSURE.search(text or ""):
        return "unsure"
    if _YES.match(text or ""):
        return "yes"
    if _NO.match(text or ""):
        return "no"
    return None
