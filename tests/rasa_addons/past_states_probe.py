"""Runs in the Rasa environment for tests/rasa_addons/test_past_states.py: grows a tracker event by event through
every story the conversation tests and the training stories tell, and compares, after every event, what
rasa_addons.past_states gives with Rasa's own `tracker.past_states`, for both policies' flags and through both
policies' `_prediction_states`. Prints one JSON object: how many comparisons, the differences found, and how
much state-building each way took.

    PYTHONPATH=. .venv-rasa/bin/python tests/rasa_addons/past_states_probe.py
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.policies.policy import Policy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    Restarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from rasa_addons.dialogue_policies import MemoizationPolicy, RulePolicy
from rasa_addons.past_states import past_states

RULE_ONLY = {"slots": ["requested_slot"], "loops": ["lost_item_form"]}
FLAGS: list[dict[str, Any]] = [
    {"ignore_rule_only_turns": False, "rule_only_data": None},
    {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
]
CALLS = {"get_active_state": 0}


def count_state_building() -> None:
    """Count Domain.get_active_state calls, the work that grew with a conversation's length."""
    original = Domain.get_active_state

    def counted(self: Domain, *args: Any, **kwargs: Any) -> Any:
        CALLS["get_active_state"] += 1
        return original(self, *args, **kwargs)

    Domain.get_active_state = counted  # type: ignore[method-assign]


def story_events(domain: Domain) -> list[list[Event]]:
    """The events of every conversation test story and training story, as Rasa's test run builds them."""
    importer = TrainingDataImporter.load_from_dict(
        domain_path="domain.yml", training_data_paths=["tests/test_stories.yml", "data/stories"]
    )
    graph = importer.get_stories()
    trackers = TrainingDataGenerator(graph, domain, augmentation_factor=0, use_story_concatenation=False).generate()
    return [list(tracker.events) for tracker in trackers]


def as_served(events: list[Event]) -> list[Event]:
    """The same story as the server records it: each user message followed by how it was featurized."""
    served: list[Event] = []
    for event in events:
        served.append(event)
        if isinstance(event, UserUttered):
            served.append(DefinePrevUserUtteredFeaturization(False))
    return served


def with_disruptions(events: list[Event]) -> list[Event]:
    """The story with what makes the cached states wrong: a user message changed after an action (a listen
    straight after it, then entities added), a rewind and a restart."""
    user = next(i for i, e in enumerate(events) if isinstance(e, UserUttered))
    return [
        *events[: user + 1],
        ActionExecuted(ACTION_LISTEN_NAME),
        EntitiesAdded([{"entity": "helpful", "value": True}]),
        *events[user + 1 :],
        UserUttered("asdf", {"name": "nlu_fallback", "confidence": 1.0}),
        ActionExecuted("action_default_fallback"),
        UserUtteranceReverted(),
        Restarted(),
        *events[:4],
    ]


def compare(domain: Domain, events: list[Event], policies: list[Policy], differences: list[str], every: int = 1) -> int:
    """Grow one tracker event by event, comparing both ways after every `every` events (several events arrive
    between two predictions in a real turn); returns the number of comparisons."""
    tracker = DialogueStateTracker("probe", domain.slots)
    compared = 0
    for index, event in enumerate(events):
        tracker.update(event, domain)
        if index % every != every - 1:
            continue
        for flags in FLAGS:
            ours = past_states(tracker, domain, **flags)
            rasa = tracker.past_states(domain, **flags)
            compared += 1
            if ours != rasa:
                differences.append(f"event {index} ({event.type_name}) {flags}: {ours[-3:]} != {rasa[-3:]}")
        for policy in policies:
            for use_text in (False, True):
                ours = policy._prediction_states(tracker, domain, use_text, RULE_ONLY)
                rasa = Policy._prediction_states(policy, tracker, domain, use_text, RULE_ONLY)
                compared += 1
                if ours != rasa:
                    differences.append(f"event {index} {type(policy).__name__} text={use_text}: {ours} != {rasa}")
    return compared


def work_for_a_long_conversation(domain: Domain, story: list[Event]) -> dict[str, int]:
    """State-building calls when predicting after every event of a 40-times-repeated story, each way."""
    plain = [event for event in story if not isinstance(event, DefinePrevUserUtteredFeaturization)]
    long_story = as_served(plain * 40)
    counts = {}
    for way in ("rasa", "ours"):
        tracker = DialogueStateTracker("long", domain.slots)
        CALLS["get_active_state"] = 0
        for event in long_story:
            tracker.update(event, domain)
            if way == "ours":
                past_states(tracker, domain)
            else:
                tracker.past_states(domain)
        counts[way] = CALLS["get_active_state"]
    counts["events"] = len(long_story)
    counts["actions"] = sum(isinstance(e, ActionExecuted) for e in long_story)
    return counts


def main() -> None:
    domain = Domain.load("domain.yml")
    count_state_building()
    stories = story_events(domain)
    context = ExecutionContext(GraphSchema({}), "probe")
    policies: list[Policy] = [
        MemoizationPolicy(MemoizationPolicy.get_default_config(), None, None, context),  # type: ignore[arg-type]
        RulePolicy(RulePolicy.get_default_config(), None, None, context),  # type: ignore[arg-type]
    ]
    differences: list[str] = []
    compared = 0
    for events in stories:
        for variant in (events, as_served(events), with_disruptions(as_served(events))):
            compared += compare(domain, variant, policies, differences)
        compared += compare(domain, with_disruptions(as_served(events)), policies, differences, every=5)
    greeting = next(events for events in stories if len(events) < 12)
    print(
        json.dumps(
            {
                "stories": len(stories),
                "compared": compared,
                "differences": differences[:20],
                "work": work_for_a_long_conversation(domain, greeting),
            }
        )
    )


if __name__ == "__main__":
    main()
