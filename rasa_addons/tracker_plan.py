"""What one save of the tracker store writes, and events read back from their JSON (Rasa's objects).

`plan_save` walks a tracker's events once: the new ones become their stored form (rasa_addons.stored_events),
and earlier ones whose form value was replaced, cleared or left behind by a new session are marked to lose it.
What the store needs of the domain's responses comes from here too (`public_strings`, `echo_templates`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import rasa.shared.utils.common
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event

from rasa_addons import redaction, stored_events
from rasa_addons.form_answers import Templates
from rasa_addons.stored_events import State


@dataclass
class Plan:
    """What one save writes: the new events as stored, and which events lose their form value."""

    new: list[dict[str, Any]]
    removed: set[int]
    session_index: int  # the index of the current session's first event
    form_values: bool


def _brief(event: Event) -> dict[str, Any]:
    """What stored_events.State needs of an event that is already stored."""
    if event.type_name == "slot":
        return {"event": "slot", "name": event.key, "value": event.value}  # type: ignore[attr-defined]
    if event.type_name == "active_loop":
        return {"event": "active_loop", "name": event.name}  # type: ignore[attr-defined]
    return {"event": event.type_name}


def plan_save(events: list[Event], start: int, keep: Iterable[str] = (), templates: Templates | None = None) -> Plan:
    """The rows a save writes for events[start:], and the earlier events whose form value goes.

    `keep`: public_strings of the domain; `templates`: echo_templates of the domain.
    """
    state, new, removed, session_index = State(), [], set(), 0
    for index, event in enumerate(events):
        if index < start:
            brief = _brief(event)
        else:
            brief = event.as_dict()
            new.append(stored_events.redact_event(brief, state, keep, templates))
        removed.update(state.observe(index, brief))
        if brief["event"] == "session_started":
            session_index = index
    for index in removed:
        if index >= start:
            new[index - start] = stored_events.without_value(new[index - start])
    return Plan(new, {index for index in removed if index < start}, session_index, state.values != {})


@functools.lru_cache(maxsize=1)
def _event_classes() -> dict[str, type[Event]]:
    """Event classes by type name, the first of Rasa's own lookup order winning (as Event.resolve_by_type)."""
    classes: dict[str, type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def event_from(data: dict[str, Any]) -> Event | None:
    """An event from its JSON form: Event.from_parameters without walking every subclass for each event."""
    cls = _event_classes().get(str(data.get("event")))
    return cls._from_parameters(data) if cls is not None else Event.from_parameters(data)


def public_strings(domain: Domain) -> frozenset[str]:
    """What the assistant's own responses contain that the rules would take for personal data (helplines)."""
    found: set[str] = set()
    for variations in domain.responses.values():
        for variation in variations:
            found.update(redaction.findall(str(variation.get("text") or "")))
    return frozenset(found)
