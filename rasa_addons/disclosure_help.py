"""The help for a disclosed harm, given after the answer to what the resident asked.

A message can ask one thing and disclose harm on the way: "how do i claim compensation, a man punched me in the
face at the station last month". When the intent classifier is sure of the topic, the risk classifier keeps it and
names the harm's intent in `risk["help"]` (rasa_addons/risk_classifier.py). The rules answer the topic as usual;
where they would then wait for the resident, the rule policy (rasa_addons/dialogue_policies.py) asks this module,
which gives the harm's own answer (`utter_` and the intent: the same words a disclosure on its own gets) and then
waits.

Inside a form the form's question comes next, so nothing is added there (as before, the form takes the answer).
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.risk_classifier import HELP_KEY, RISK_KEY


def help_response(parse_data: dict[str, Any]) -> str | None:
    """The response that holds the help owed for this message, if a topic's answer kept it from being given."""
    risk = parse_data.get(RISK_KEY)
    intent = risk.get(HELP_KEY) if isinstance(risk, dict) else None
    return f"utter_{intent}" if isinstance(intent, str) and intent else None


def actions_since_user(tracker: DialogueStateTracker) -> list[str]:
    """The actions run since the resident's latest message, oldest first (action_listen is not one of them)."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name and event.action_name != ACTION_LISTEN_NAME:
            names.append(event.action_name)
    return names[::-1]


def next_action(tracker: DialogueStateTracker, domain: Domain, predicted: str | None) -> str | None:
    """What to run instead of `predicted`: the owed help where the rules would wait, then waiting; else None."""
    if tracker.active_loop_name or tracker.latest_message is None:
        return None
    response = help_response(tracker.latest_message.parse_data)
    if response is None or response not in domain.action_names_or_texts:
        return None
    done = actions_since_user(tracker)
    if response in done:
        return ACTION_LISTEN_NAME if done[-1] == response else None
    # Only after the topic was answered (something ran since the message) and the rules are done with the turn.
    return response if done and predicted == ACTION_LISTEN_NAME else None
