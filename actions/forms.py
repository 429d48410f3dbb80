"""What every form's validation shares: danger first, free-text and normalised slots from tables, failed answers.

A button's intent payload ("/search_lost_item") that a free-text mapping took as the answer is refused, and the
question asked again: pressing a button twice, or retrying a press whose answer was lost, does not fill a slot.

Danger first: the risk classifier (rasa_addons/risk_classifier.py) decides at every turn. Short answers (a name, a
reference) refuse a danger message in their slot mappings, so the form's rules give the 999 message and the form
asks again. A free-text answer (what happened, a description) is taken as typed, because stories of the past
use alarming words; only danger the classifier is sure of (`risk.sure`) interrupts it: the 999 message, then the
same question again. Danger it is less sure of keeps the answer and adds a one-line reminder to call 999.
A past harm told where a short answer (SHORT_ANSWERS) was asked ("my ex keeps following me home" for a name) is
no answer: the help for that harm (the words a disclosure gets anywhere else), then the same question again.

rasa-sdk validates a slot with the form's `validate_<slot>` method. A form built on FormValidation gets
those methods from two tables as well: FREE_TEXT (kept as typed, "skip" skips) and NORMALISERS (a
function that returns the slot's value or raises ValueError). A failed answer is explained the first
time (INVALID); after that the form says its `help_after_failures` instead (why the question is asked,
an offer to skip or stop...), remembering the failures in the FAILURES slot.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.services.parsing.replies import is_explicit_skip

SKIPPED = "skipped"  # the value of a question the resident chose to skip
RISK = "risk"  # the risk classifier's decision in the parse data: {"level", "kind", "score", "sure", ...}
DANGER_NOW = "danger_now"
DISCLOSURE = "disclosure"
# The help for each kind of harm the risk classifier names (config.yml harm_topics; a test keeps them in step).
HARM_HELP = {
    "domestic_abuse": "utter_domestic_abuse",
    "sexual_violence": "utter_sexual_violence",
    "stalking_harassment": "utter_stalking_harassment",
    "assault": "utter_support_assault",
    "not_coping": "utter_not_coping",
}
# A name or a reference has none of these words; a story does. ("Jo Stalker" is a name, whatever it sounds like.)
STORY_WORDS = frozenset({"i", "i'm", "im", "i've", "ive", "me", "my", "we", "us", "our", "he", "hes", "he's", "him",
                         "his", "she", "shes", "she's", "her", "they", "them", "their"})  # fmt: skip

Normaliser = Callable[[str], Any]


@dataclass(frozen=True)
class Failures:
    """The slot where a form remembers failed answers: {slot: how many}, or (listed) the slots that failed once."""

    slot: str
    listed: bool = False

    def count(self, tracker: Tracker, slot: str) -> tuple[int, Any]:
        """Which failure of `slot` this is (1: the first; a listed slot never counts past 2), and the new value."""
        remembered = tracker.get_slot(self.slot)
        if self.listed:
            failed = list(remembered or [])
            return (2, failed) if slot in failed else (1, [*failed, slot])
        counts = dict(remembered or {})
        counts[slot] = counts.get(slot, 0) + 1
        return counts[slot], counts


def _a_story(text: str) -> bool:
    # Phones type a curly apostrophe ("he\u2019s"): read it as the straight one the word list has.
    words = text.lower().replace("\u2019", "'").split()
    return any(word.strip(".,!?;:'\"") in STORY_WORDS for word in words)


def _offered(domain: DomainDict, slot: str, text: str) -> bool:
    # One of the question's own buttons ("I was a witness"), pressed or typed: an answer, never a story of harm.
    said = text.strip().casefold()
    for variant in (domain.get("responses") or {}).get(f"utter_ask_{slot}") or []:
        if any(str(button.get("payload", "")).casefold() == said for button in variant.get("buttons") or []):
            return True
    return False


class FormValidation(FormValidationAction, ABC):
    """A form's validation with table-driven slots and the failed-answer rule (see the module's docstring)."""

    FAILURES: ClassVar[Failures | None] = None  # None: every failure is explained as if it were the first
    INVALID: ClassVar[dict[str, str]] = {}  # slot -> the response explaining its first failed answer
    FREE_TEXT: ClassVar[dict[str, int]] = {}  # slot -> the longest answer kept
    NORMALISERS: ClassVar[dict[str, Normaliser]] = {}
    # Slots whose answer is a detail (a name, a reference, a contact), never a story: a harm told there is no answer.
    SHORT_ANSWERS: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Danger first (see the module's docstring), then each answer's own validation."""
        typed = tracker.slots_to_validate()
        text = str((tracker.latest_message or {}).get("text") or "")
        if text.startswith("/") and (pressed := [slot for slot in typed if typed[slot] == text]):
            # A button's intent payload ("/search_lost_item": the button pressed again, or a retry of a press whose
            # answer never arrived) is not an answer to the question: the form asks the same question again.
            return [SlotSet(slot, None) for slot in pressed]
        risk = (tracker.latest_message or {}).get(RISK) or {}
        if typed and risk.get("level") == DANGER_NOW:
            if risk.get("sure"):
                dispatcher.utter_message(response="utter_emergency")
                return [SlotSet(slot, None) for slot in typed]
            dispatcher.utter_message(response="utter_danger_reminder")
        short = [slot for slot in typed if slot in self.SHORT_ANSWERS and not _offered(domain, slot, text)]
        if short and risk.get("level") == DISCLOSURE and risk.get("kind") in HARM_HELP and _a_story(text):
            dispatcher.utter_message(response=HARM_HELP[risk["kind"]])
            return [SlotSet(slot, None) for slot in short]
        return await super().get_validation_events(dispatcher, tracker, domain)

    def __getattr__(self, attribute: str) -> Any:
        # rasa-sdk looks validators up by name: the tables' slots get theirs here.
        slot = attribute.removeprefix("validate_")
        if slot != attribute and slot in self.FREE_TEXT:
            return functools.partial(self._free_text, slot)
        if slot != attribute and slot in self.NORMALISERS:
            return functools.partial(self._normalised, slot)
        raise AttributeError(attribute)

    async def _free_text(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # "No" or "none" is an answer here ("any injury?" "none"), kept as typed; only "skip" skips.
        text = str(value or "").strip()
        return {slot: SKIPPED if is_explicit_skip(text) or not text else text[: self.FREE_TEXT[slot]]}

    async def _normalised(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.normalised(slot, value, dispatcher, tracker)

    def normalised(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """The slot's value by NORMALISERS[slot], or the failed answer's events (the slot None) on a ValueError."""
        try:
            return {slot: self.NORMALISERS[slot](str(value or ""))}
        except ValueError:
            return self.failed(slot, dispatcher, tracker)

    def failed(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, response: str | None = None
    ) -> dict[str, Any]:
        """Empty the slot so it is asked again: explain the first failure, then give the form's help."""
        number, remembered = self.FAILURES.count(tracker, slot) if self.FAILURES else (1, None)
        said = [response or self.INVALID[slot]] if number < 2 else self.help_after_failures(slot)
        for message in said:
            dispatcher.utter_message(response=message)
        return {slot: None, **({self.FAILURES.slot: remembered} if self.FAILURES else {})}

    def help_after_failures(self, slot: str) -> list[str]:
        """The responses after a second failed answer to `slot` (by default its explanation again)."""
        return [self.INVALID[slot]]
