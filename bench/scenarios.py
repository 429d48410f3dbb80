"""Realistic conversations for the load runs and the scale drills: an FAQ, a case check, a complaint, a lost item.

Standard library only: the locustfile (in .venv-bench, without our code) imports this module too. Each turn
says something or presses a button of the last reply (its payload is sent, as the widget does), and names a
few words the reply must contain: a reply without them means the conversation lost its thread.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

COMPLAINT_REFERENCE = re.compile(r"CRT-\d{4}-\d{5}")
# A UK phone number, 101 or 999: what an apology must give so the resident can still get help.
PHONE = re.compile(r"\b(?:0\d{3,4}[ -]?\d{3}[ -]?\d{3,4}|101|999|111)\b")


@dataclass(frozen=True)
class Turn:
    """One message of a conversation and what its answer must mention (any of `expect`, case-insensitive)."""

    say: str = ""
    press: str = ""  # the title of a button in the last reply; its payload is sent
    expect: tuple[str, ...] = ()


def _say(text: str, *expect: str) -> Turn:
    return Turn(say=text, expect=expect)


def _press(title: str, *expect: str) -> Turn:
    return Turn(press=title, expect=expect)


FAQ = (
    _say("hello", "automated assistant"),
    _say("how do I report a crime?", "101"),
    _say("what is Beacon?", "Beacon"),
    _say("thanks, that's helpful", "anything else", "helpful"),
)
CASE_CHECK = (
    _say("any update on my case?", "crime reference"),
    _say("41/10234/26", "surname"),
    _say("Smith", "postcode"),
    _say("AL1 3AB", "details match", "officer"),
)
COMPLAINT_TO_READ_BACK = (
    _say("how do I complain about a police officer?", "complain"),
    _press("Start a complaint here", "who is making this complaint"),
    _press("I was affected", "your name"),
    _say("Robin Example", "email address"),
    _say("robin.example@example.com", "phone number"),
    _press("Skip", "what happened"),
    _say("An officer was rude to me at a traffic stop and would not give his number.", "when did it happen"),
    _say("last tuesday", "where did it happen"),
    _say("Hatfield town centre, outside the station", "who was involved"),
    _say("a tall officer, I don't know his number", "injured"),
    _say("no", "anyone else see"),
    _say("no", "reference numbers"),
    _say("no", "what would you like to happen"),
    _say("an apology", "formally recorded"),
    _press("No", "check it"),
)
SUBMIT = _press("Submit", "CRT-")
COMPLAINT = (*COMPLAINT_TO_READ_BACK, SUBMIT)
LOST_ITEM = (
    _say("I've lost my phone", "Herts Reunited"),
    _press("Check if it's been handed in", "what have you lost"),
    _say("a black iPhone", "colour or make"),
    _say("don't know", "where did you lose it"),
    _say("Watford town centre", "when did you lose it"),
    _say("yesterday", "found", "handed in", "match"),
)

SCENARIOS: dict[str, tuple[Turn, ...]] = {
    "faq": FAQ, "case_check": CASE_CHECK, "complaint": COMPLAINT, "lost_item": LOST_ITEM,
}  # fmt: skip
# How often each kind of conversation happens in the load runs (most people ask a question and leave).
WEIGHTS = {"faq": 4, "case_check": 2, "lost_item": 2, "complaint": 1}


class NoSuchButton(LookupError):
    """The last reply had no button with the title the script presses."""


def texts(replies: Sequence[dict[str, Any]]) -> str:
    """Everything the bot said in one answer, as one string."""
    return "\n".join(str(reply.get("text") or "") for reply in replies if isinstance(reply, dict))


def message(turn: Turn, last: Sequence[dict[str, Any]]) -> str:
    """What to send for this turn: the words, or the payload of the button pressed in the last answer."""
    if not turn.press:
        return turn.say
    for reply in last:
        for button in reply.get("buttons") or () if isinstance(reply, dict) else ():
            if str(button.get("title", "")).strip().lower() == turn.press.lower():
                return str(button.get("payload") or button.get("title"))
    raise NoSuchButton(turn.press)


def coherent(turn: Turn, replies: Sequence[dict[str, Any]]) -> bool:
    """Whether the answer mentions what this turn expects (any turn's answer must say something)."""
    said = texts(replies).lower()
    if not said.strip():
        return False
    return not turn.expect or any(word.lower() in said for word in turn.expect)


def apology_with_phone(replies: Sequence[dict[str, Any]]) -> bool:
    """Whether a failed turn still told the resident a number to call."""
    return bool(PHONE.search(texts(replies)))


def resident_headers(sender: str) -> dict[str, str]:
    """Headers giving each simulated resident an address of their own in 198.18.0.0/15, the benchmarking range."""
    # As a proxy says it: the web app's per-address limits then see many residents, as in life, not one client.
    number = uuid.UUID(sender).int
    return {"X-Forwarded-For": f"198.{18 + (number >> 16) % 2}.{(number >> 8) % 256}.{number % 256}"}
