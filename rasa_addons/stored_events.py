"""What of a conversation is stored: each Rasa event as the tracker store keeps it, and form values removed.

Standard library only: the tracker store (rasa_addons.tracker_store) uses it on every save, and the web
app's periodic sweep (bot.services.retention) on conversations left with a form half-filled. Events are
Rasa's JSON form (`Event.as_dict()`).

- What a resident types while a form asks a question is kept only as a placeholder: "[name]", "[email]"...
  for the questions in PERSONAL_ANSWERS, "[answer]" for the others. The form's slot holds the value while
  the form needs it (read-back, submission); the message itself never holds it.
- A message whose intent is a disclosure or an emergency is kept as "[disclosure]" / "[emergency]": the
  topic (the intent) is enough to carry the conversation on, the words are not needed.
- Everything else (other messages, the assistant's messages, other slots) goes through the redaction rules,
  and the assistant's messages also lose the values of the form being filled. A response that repeats what
  was typed (the complaint's read-back) is stored as its template filled with placeholders instead
  (rasa_addons.form_answers).
- The web relay's pseudonym of the client's address is never stored (CLIENT_KEY).
- A form's slot values are stored as they are while the form runs, and removed (set to null) once they are
  replaced or cleared (every way out of a form clears them), when a new session starts, or by the sweep.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rasa_addons.form_answers import ANSWER, FORM_SLOTS, PERSONAL_ANSWERS, Templates, echo
from rasa_addons.redaction import redact, redact_data, redact_values

# Intents whose message is not kept in words.
WITHHELD_INTENTS: dict[str, str] = {
    "emergency": "[emergency]",
    "domestic_abuse": "[disclosure]",
    "sexual_violence": "[disclosure]",
    "stalking_harassment": "[disclosure]",
    "support_assault": "[disclosure]",
    "not_coping": "[disclosure]",
    "case_detail": "[personal-details]",  # a reference, surname or postcode typed when nobody asked
}
NEW_SESSION = ("session_started", "restart")
EVENT_NAME_KEYS = ("event", "name", "policy", "timestamp", "confidence")  # an event's names, never redacted
MIN_KNOWN_VALUE = 4  # shorter form values ("no", "yes") are not looked for in the assistant's messages

# The web relay's pseudonym of the client's address (bot/services/verified_lookup.py CLIENT_METADATA_KEY): the
# status checks read it from the live tracker in the turn it comes with. The same for every conversation from one
# address, it would link them all: no stored copy keeps it, nor Rasa's copy of a session's first metadata.
CLIENT_KEY = "client"
SESSION_METADATA_SLOT = "session_started_metadata"


@dataclass
class State:
    """Where the conversation is, event by event: the form asking, and the form slots' stored values."""

    active_loop: str | None = None
    requested_slot: str | None = None
    # form slot -> (index of the event that set its current value, the value); only slots with a value
    values: dict[str, tuple[int, Any]] = field(default_factory=dict)

    def asking(self) -> str | None:
        """The question a message typed now answers (None outside a form)."""
        return self.requested_slot if self.active_loop else None

    def known_values(self) -> list[tuple[str, str]]:
        """(value, placeholder) of the form values a message of the assistant may repeat."""
        return [
            (str(value), PERSONAL_ANSWERS.get(slot, ANSWER))
            for slot, (_, value) in self.values.items()
            if isinstance(value, str) and len(value.strip()) >= MIN_KNOWN_VALUE
        ]

    def observe(self, index: int, event: dict[str, Any]) -> list[int]:
        """Move past one event; returns the indexes of earlier events whose form value it removes."""
        kind = event.get("event")
        if kind in NEW_SESSION:
            removed = [where for where, _ in self.values.values()]
            self.active_loop, self.requested_slot, self.values = None, None, {}
            return removed
        if kind == "active_loop":
            self.active_loop = event.get("name") or None
        elif kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == "requested_slot":
                self.requested_slot = value if isinstance(value, str) else None
            elif name in FORM_SLOTS:
                previous = self.values.pop(name, None)
                if value is not None:
                    self.values[name] = (index, value)
                return [previous[0]] if previous is not None else []
        return []


# The risk classifier's decision (rasa_addons/risk_classifier.py): a disclosure whose topic is another one
# ("i was robbed and beaten up", answered by support_robbery) is withheld as well.
WITHHELD_RISK_LEVELS = {"danger_now": "[emergency]", "disclosure": "[disclosure]"}


def _withheld(event: dict[str, Any]) -> str | None:
    parse_data = event.get("parse_data") if isinstance(event.get("parse_data"), dict) else {}
    intent = _field(parse_data.get("intent"), "name")
    if isinstance(intent, str) and intent in WITHHELD_INTENTS:
        return WITHHELD_INTENTS[intent]
    level = _field(parse_data.get("risk"), "level")
    return WITHHELD_RISK_LEVELS.get(level) if isinstance(level, str) else None


def _field(value: Any, key: str) -> Any:
    """value[key] when value is an object (events from a client of Rasa's HTTP API may hold anything)."""
    return value.get(key) if isinstance(value, dict) else None


# The web app's id of a resident's message in its metadata, kept as it is when stored: a hash of the conversation
# and the client's id (bot/web/relay.py `turn_key`), so nothing else is kept under this key.
MESSAGE_ID_KEY = "message_id"
TURN_KEY = re.compile(r"[0-9a-f]{32}")

STRUCTURE_KEYS = ("intent", "intent_ranking", "response_selector", "message_id")  # names and scores, not text


def redact_user(event: dict[str, Any], state: State) -> dict[str, Any]:
    """A resident's message as stored: a placeholder for a form's answer or a disclosure, else redacted."""
    stored = copy.deepcopy(event)
    asking = state.asking()
    placeholder = (PERSONAL_ANSWERS.get(asking, ANSWER) if asking else None) or _withheld(event)
    text = event.get("text")
    if isinstance(text, str):
        stored["text"] = placeholder or redact(redact_values(text, state.known_values()))

    def derived(value: Any) -> Any:
        """What the text became elsewhere in the event: the placeholder, else its redaction."""
        return _map_strings(value, lambda _: placeholder) if placeholder else redact_data(value)

    parse_data = stored.get("parse_data")
    if isinstance(parse_data, dict):
        entities = parse_data.pop("entities", None)
        parse_data = {key: redact_data(value) if key in STRUCTURE_KEYS else derived(value)
                      for key, value in parse_data.items()}  # fmt: skip
        if "text" in parse_data:
            parse_data["text"] = stored.get("text")
        if isinstance(entities, list):
            parse_data["entities"] = [_entity(entity, placeholder) for entity in entities]
        stored["parse_data"] = parse_data
    stored["metadata"] = derived(_without_client(stored.get("metadata")) or {})
    message_id = _field(event.get("metadata"), MESSAGE_ID_KEY)
    if isinstance(message_id, str) and TURN_KEY.fullmatch(message_id) and isinstance(stored["metadata"], dict):
        # The web app's hash of the conversation and the message's id, no one's data: how it knows Rasa finished
        # a turn whose answer never reached it (bot/web/relay.py), so a resend is not taken as a second message.
        stored["metadata"][MESSAGE_ID_KEY] = message_id
    if isinstance(parse_data, dict) and "metadata" in parse_data:
        parse_data["metadata"] = copy.deepcopy(stored["metadata"])  # Rasa's parse_data holds the same metadata
    return stored


def _without_client(metadata: Any) -> Any:
    return {k: v for k, v in metadata.items() if k != CLIENT_KEY} if isinstance(metadata, dict) else metadata


# What of an entity holds what was typed (its value, and the extractor's details of it, such as duckling's
# additional_info); "text" is the typed words themselves, dropped. Its other keys are names and positions.
ENTITY_VALUE_KEYS = ("value", "additional_info")


def _entity(entity: Any, placeholder: str | None) -> Any:
    def typed(value: Any) -> Any:
        # A button's true/false or a number says nothing about anyone; a string may, inside a list or object too.
        return _map_strings(value, lambda _: placeholder) if placeholder else redact_data(value)

    if not isinstance(entity, dict):
        return typed(entity)
    return {key: typed(value) if key in ENTITY_VALUE_KEYS else redact_data(value)
            for key, value in entity.items() if key != "text"}  # fmt: skip


def redact_bot(
    event: dict[str, Any], state: State, keep: Iterable[str] = (), templates: Templates | None = None
) -> dict[str, Any]:
    """The assistant's message as stored: redacted, without the form values it repeats; public numbers kept."""
    keep = tuple(keep)
    known = state.known_values()
    stored = copy.deepcopy(event)
    echoed = echo(event, {slot: value for slot, (_, value) in state.values.items()}, templates or {})
    if echoed is not None:
        # Its template filled with placeholders: no answer is left to look for (a value such as "email" would
        # only hit the template's own words and the placeholders).
        known = []
        if isinstance(event.get("text"), str):
            stored["text"] = echoed[0]
        stored["metadata"].update(echoed[1])
    # The form's values first (whole), then the rules: the rules would change a value so it no longer matches.
    if isinstance(stored.get("text"), str):
        stored["text"] = redact(redact_values(stored["text"], known), keep=keep)
    for key in ("data", "metadata"):
        if stored.get(key) is not None:
            stored[key] = redact_data(_map_strings(stored[key], lambda text: redact_values(text, known)), keep=keep)
    return stored


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    return value


def redact_slot(event: dict[str, Any]) -> dict[str, Any]:
    """A slot event as stored: a form slot's value as it is (removed later), any other slot's redacted."""
    if event.get("name") in FORM_SLOTS or event.get("name") == "requested_slot":
        return event
    value = _without_client(event.get("value")) if event.get("name") == SESSION_METADATA_SLOT else event.get("value")
    return {**event, "value": redact_data(value)}


def without_value(event: dict[str, Any]) -> dict[str, Any]:
    """A form slot's event with its value removed."""
    return {**event, "value": None}


def redact_event(
    event: dict[str, Any], state: State, keep: Iterable[str] = (), templates: Templates | None = None
) -> dict[str, Any]:
    """Any event as stored, given the state just before it (the state is not moved); templates: echo_templates."""
    kind = event.get("event")
    if kind == "user":
        return redact_user(event, state)
    if kind == "bot":
        return redact_bot(event, state, keep, templates)
    if kind == "slot":
        return redact_slot(event)
    # Any other event (session_started, action, active_loop, entities...): its names kept, any text it holds
    # redacted (an end-to-end action's text, EntitiesAdded's values, metadata), never the client's pseudonym.
    stored = {key: value if key in EVENT_NAME_KEYS else redact_data(value) for key, value in event.items()}
    if "metadata" in stored:
        stored["metadata"] = _without_client(stored["metadata"])
    return stored


def holds_form_values(state: State) -> bool:
    """Whether stored form values remain at this point (the sweep will remove them if left)."""
    return bool(state.values)


def scrub_all(events: list[dict[str, Any]]) -> Iterator[int]:
    """The indexes of slot events holding a form value: everything the sweep removes from an idle conversation."""
    for index, event in enumerate(events):
        if event.get("event") == "slot" and event.get("name") in FORM_SLOTS and event.get("value") is not None:
            yield index
