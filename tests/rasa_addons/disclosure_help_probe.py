"""Runs in the Rasa environment for tests/rasa_addons/test_disclosure_help.py: trains the project's rule policy
(rasa_addons/dialogue_policies.py) on data/rules and data/stories, then plays turns through it and prints, as one
JSON object, the actions it chose after each message.

    PYTHONPATH=. .venv-rasa/bin/python tests/rasa_addons/disclosure_help_probe.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from rasa_addons import disclosure_help
from rasa_addons.dialogue_policies import RulePolicy

MAX_ACTIONS = 6  # a turn never needs more; a policy that never waits would show here


def trained_policy(domain: Domain, tmp: str) -> RulePolicy:
    """The rule policy trained as `rasa train` trains it, on the project's rules and stories."""
    importer = TrainingDataImporter.load_from_dict(
        domain_path="domain.yml", training_data_paths=["data/rules", "data/stories"]
    )
    trackers = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0).generate()
    context = ExecutionContext(GraphSchema({}), "probe")
    storage = LocalModelStorage(Path(tmp))
    policy = RulePolicy.create(RulePolicy.get_default_config(), storage, Resource("rules"), context)
    policy.train(trackers, domain)
    return policy


def message(intent: str, help_intent: str | None = None, level: str = "disclosure") -> UserUttered:
    """A resident's message as the NLU pipeline leaves it: the topic, and the risk classifier's decision."""
    risk: dict[str, Any] = {"level": level, "kind": "assault" if help_intent else None}
    if help_intent:
        risk["help"] = help_intent
    parse = {"intent": {"name": intent, "confidence": 0.97}, "entities": [], "risk": risk, "text": "probe"}
    return UserUttered("probe", parse["intent"], [], parse)


def turn(policy: RulePolicy, domain: Domain, before: list[Event], user: UserUttered) -> list[str]:
    """The actions the policy chooses after the message, until it waits (action_listen is the last one)."""
    tracker = DialogueStateTracker.from_events("probe", [*before, user], domain.slots)
    chosen: list[str] = []
    while len(chosen) < MAX_ACTIONS:
        prediction = policy.predict_action_probabilities(tracker, domain)
        action = domain.action_names_or_texts[prediction.max_confidence_index]
        chosen.append(action)
        if action == ACTION_LISTEN_NAME:
            break
        tracker.update(ActionExecuted(action), domain)
    return chosen


def main() -> None:
    """Train, play the turns, print what was chosen."""
    domain = Domain.load("domain.yml")
    start: list[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]
    owed = message("compensation", "support_assault")
    helped = [*start, owed, ActionExecuted("utter_compensation"), ActionExecuted("utter_support_assault")]
    in_form = [*start, ActiveLoop("complaint_form"), ActionExecuted(ACTION_LISTEN_NAME), owed]
    form_tracker = DialogueStateTracker.from_events("probe", [*in_form, ActionExecuted("complaint_form")], domain.slots)
    with tempfile.TemporaryDirectory() as tmp:
        policy = trained_policy(domain, tmp)
        out = {
            "topic_then_help": turn(policy, domain, start, owed),
            "topic_alone": turn(policy, domain, start, message("compensation", level="none")),
            "harm_alone": turn(policy, domain, start, message("support_assault")),
            "two_answers_then_help": turn(policy, domain, start, message("found_property", "domestic_abuse")),
            "unknown_help": turn(policy, domain, start, message("compensation", "no_such_intent")),
            "after_help_next_message": turn(
                policy, domain, [*helped, ActionExecuted(ACTION_LISTEN_NAME)], message("thank", level="none")
            ),
            "in_a_form": disclosure_help.next_action(form_tracker, domain, ACTION_LISTEN_NAME),
            "help_response": disclosure_help.help_response({"risk": {"level": "disclosure", "help": "not_coping"}}),
            "no_help_response": disclosure_help.help_response({"risk": "[disclosure]"}),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
