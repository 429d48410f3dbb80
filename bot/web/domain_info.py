"""What the web app reads from domain.yml once, at start: the payloads a message may carry, and what kind of
message each of the assistant's responses is.

- Payloads: a message starting with "/" is an intent for Rasa, not words. Only the buttons the domain itself
  offers (`/intent` or `/intent{...}` exactly as written there) and a bare `/intent` the domain declares (the
  "Did you mean ...?" buttons) go through as they are. Anything else that starts with "/" is sent as plain
  words, its leading slashes removed: typed `/case_status{"case_reference": ...}` sets no slot and runs nothing.
- Kinds, so the widget knows where "Was this helpful?" belongs: `answer` (the answer to a topic question,
  `utter_<intent>`), `safety` (the 999 message, and a disclosure's answer, which opens with one short line
  giving 999) and `other` (greetings, form questions, read-backs, anything an action wrote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ANSWER, SAFETY, OTHER = "answer", "safety", "other"
# Intents whose response is no answer to a question.
NOT_TOPICS = frozenset({"greet", "goodbye", "thank", "stop", "out_of_scope", "feedback", "affirm", "deny"})
EMERGENCY_RESPONSE = "utter_emergency"
FEEDBACK_PREFIX = "/feedback"
# The responses that tell the resident nothing they typed was kept (a form stopped or cancelled): the replies
# cached for resends, which may repeat what they typed (a complaint's read-back), go when one is sent.
NOTHING_KEPT = frozenset({
    "utter_case_status_stopped", "utter_complaint_cancelled", "utter_lost_item_no_report",
    "utter_lost_item_stopped", "utter_lost_item_unavailable", "utter_lost_report_unavailable",
})  # fmt: skip
SLOT = re.compile(r"\\\{[A-Za-z0-9_]+\\\}")  # a {slot} in a template, as re.escape writes it


def _kind_of(name: str, texts: list[str], intents: set[str]) -> str:
    # A disclosure's answer opens with one short line giving 999, then the help (domain.yml, issue 15).
    if name == EMERGENCY_RESPONSE or any("999" in text.partition("\n")[0] and "\n" in text for text in texts):
        return SAFETY
    intent = name.removeprefix("utter_")
    return ANSWER if name.startswith("utter_") and intent in intents and intent not in NOT_TOPICS else OTHER


@dataclass
class DomainInfo:
    """The domain's button payloads and intents, and a way to tell each response's kind by its text."""

    payloads: frozenset[str] = frozenset()
    intents: frozenset[str] = frozenset()
    exact: dict[str, str] = field(default_factory=dict)
    templates: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    nothing_kept: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path) -> DomainInfo:
        """Read domain.yml."""
        domain = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        intents = {next(iter(item)) if isinstance(item, dict) else str(item) for item in domain.get("intents", [])}
        info = cls(intents=frozenset(intents))
        payloads: set[str] = set()
        nothing_kept: set[str] = set()
        # Safety wins over everything when two responses share a text, then `other`: feedback only when sure.
        rank = {SAFETY: 0, OTHER: 1, ANSWER: 2}
        for name, variations in (domain.get("responses") or {}).items():
            texts = [str(v["text"]) for v in variations or [] if isinstance(v, dict) and v.get("text")]
            kind = _kind_of(str(name), texts, intents)
            if name in NOTHING_KEPT:
                nothing_kept.update(texts)
            for variation in variations or []:
                for button in (variation or {}).get("buttons") or []:
                    payload = as_sent(str(button.get("payload", "")))
                    if payload.startswith("/"):
                        payloads.add(payload)
            for text in texts:
                if "{" in text:
                    info.templates.append((re.compile(SLOT.sub(".*?", re.escape(text)), re.DOTALL), kind))
                elif text not in info.exact or rank[kind] < rank[info.exact[text]]:
                    info.exact[text] = kind
        info.payloads = frozenset(payloads)
        info.nothing_kept = frozenset(nothing_kept)
        return info

    def allowed_payload(self, message: str) -> bool:
        """Whether a message starting with "/" is a button of the domain or a bare intent it declares."""
        return message in self.payloads or message[1:] in self.intents

    def as_words(self, message: str) -> str:
        """The message as Rasa should get it: an allowed payload as it is, anything else never as an intent."""
        if not message.startswith("/") or self.allowed_payload(message):
            return message
        # Every Unicode space too: Rasa strips those before it looks for a leading "/".
        start = 0
        while start < len(message) and (message[start] == "/" or message[start].isspace()):
            start += 1
        return message[start:]

    def says_nothing_kept(self, replies: list[dict[str, Any]]) -> bool:
        """Whether these replies tell the resident that nothing they typed was kept."""
        return any(reply.get("text") in self.nothing_kept for reply in replies if isinstance(reply, dict))

    def kind(self, text: str) -> str:
        """The kind of a bot message with this text: answer, safety or other."""
        if text in self.exact:
            return self.exact[text]
        for pattern, kind in self.templates:
            if pattern.fullmatch(text):
                return kind
        return OTHER

    def annotate(self, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rasa's messages, each with its `kind` added (the widget reads it)."""
        return [{**reply, "kind": self.kind(reply["text"]) if isinstance(reply.get("text"), str) else OTHER}
                for reply in replies if isinstance(reply, dict)]


def as_sent(value: str) -> str:
    """A response string as Rasa sends it when it holds no placeholder: doubled braces become single ones."""
    return value.replace("{{", "{").replace("}}", "}")


def is_feedback(message: str) -> bool:
    """Whether the message is one of the "Was this helpful?" buttons."""
    return message.startswith(FEEDBACK_PREFIX)
