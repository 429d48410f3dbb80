"""Stores the answer to "Was this helpful?" with its topic (bot.services.feedback); a thin adapter.

The answer comes from the feedback buttons (slot feedback_helpful) or a typed yes/no right after the
question. The topic is the last intent the resident asked about before it. Nothing the resident typed
is stored or logged, and no failure here stops the conversation: the rules say thanks either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import database
from bot.db.engine import unit_of_work
from bot.services.feedback import record_feedback

logger = logging.getLogger(__name__)

SLOT = "feedback_helpful"
TYPED_ANSWERS = {"affirm": True, "deny": False}  # a typed "yes"/"no" to the question
# Intents that are the conversation itself rather than something asked about: never a feedback topic.
# Form answers (case_detail, complaint_*) are not topics either: the intent that opened the form is.
NOT_TOPICS = frozenset(
    {
        "greet",
        "goodbye",
        "thank",
        "capabilities",
        "bot_challenge",
        "out_of_scope",
        "nlu_fallback",
        "feedback",
        "affirm",
        "deny",
        "stop",
        "case_detail",
        "complaint_submit",
        "complaint_change",
        "complaint_why",
    }
)
# Rasa's "Did you mean ...?" loop: the topic a resident picks there is a real question, unlike form answers.
FALLBACK_LOOP = "action_two_stage_fallback"


def _intent(event: dict[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def topic_of(events: Iterable[dict[str, Any]]) -> str | None:
    """The last intent the resident asked about in this session, or None if there was none."""
    topic: str | None = None
    in_form = False
    for event in events:
        kind = event.get("event")
        if kind in ("session_started", "restart"):
            topic, in_form = None, False  # a new conversation: earlier questions are not what was answered
        elif kind == "active_loop":
            # Answers typed into a form get whatever intent NLU guesses for free text ("a black iPhone"),
            # so only the intent that opened the form counts.
            in_form = bool(event.get("name")) and event.get("name") != FALLBACK_LOOP
        elif kind == "user" and not in_form:
            intent = _intent(event)
            if intent and intent not in NOT_TOPICS:
                topic = intent
    return topic


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def answer_of(tracker: Tracker) -> bool | None:
    """True if it helped, False if not, None if this turn is no answer to "Was this helpful?"."""
    intent = _intent({"parse_data": tracker.latest_message})
    if intent in TYPED_ANSWERS:
        return TYPED_ANSWERS[intent]
    return _as_bool(tracker.get_slot(SLOT))


def _domain_intents(domain: DomainDict) -> set[str]:
    # Intents with properties are written as one-key mappings in the domain.
    names: set[str] = set()
    for intent in domain.get("intents", []):
        names.update(intent if isinstance(intent, dict) else [intent])
    return names


class ActionRecordFeedback(Action):
    """Stores one answer to "Was this helpful?" and empties the slot for the next one."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Store the answer and its topic in one unit of work; never fail the conversation over it."""
        helpful = answer_of(tracker)
        if helpful is None:
            logger.warning("feedback without an answer: nothing stored")
            return [SlotSet(SLOT, None)]
        topic = topic_of(tracker.events)
        if topic not in _domain_intents(domain):
            topic = None  # a hand-typed "/anything" payload parses as an intent the domain does not have
        try:
            async with unit_of_work(database.sessions()) as session:
                await record_feedback(session, helpful, topic)
        except Exception as exc:  # feedback is optional: no failure of storing it may stop the conversation
            logger.error("feedback not stored: %s", type(exc).__name__)  # the message could quote parameters
        return [SlotSet(SLOT, None)]
