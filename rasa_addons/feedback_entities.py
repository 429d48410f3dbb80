"""Typed feedback ("that was useless", "really helpful thanks") as the `helpful` entity: true or false.

The buttons under "Was this helpful?" send /feedback{"helpful": true|false}; a resident may type it instead.
When the intent is `feedback`, this sets the entity from the words, negations first ("not helpful" is a no).
Deterministic and tiny, so no statistical entity extractor has to be trained for one yes/no.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

# A negation reaches the words after it, not past "bad" ("not bad, really helpful"); a bare "no" is often an
# interjection ("no, it was really helpful", "no complaints"), so it negates only what it stands right before.
_NEGATIVE = re.compile(
    r"\b(?:not|never|didn'?t|did not|doesn'?t|does not|wasn'?t|was not|hasn'?t|has not|isn'?t)\b"
    r"(?!\s+(?:(?:too|that|so|at all) )?bad\b)[\w\s']{0,20}?"
    r"\b(?:help|helpful|helped|useful|use|good|answer|answered)\w*|\b(?:useless|unhelpful|rubbish|pointless|"
    r"wrong answer|waste of time|no help|no use|no good|terrible|awful|hopeless)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:help|helps|helped|helpful|useful|great|good|spot on|perfect|brilliant|exactly what|answered|"
    r"thanks? (?:that|it) (?:helped|worked))\w*",
    re.IGNORECASE,
)


def polarity(text: str) -> tuple[str, int, int] | None:
    """("true"|"false", start, end) of the words that say whether it helped, or None if none do."""
    if found := _NEGATIVE.search(text or ""):
        return "false", found.start(), found.end()
    if found := _POSITIVE.search(text or ""):
        return "true", found.start(), found.end()
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FeedbackEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds the `helpful` entity to typed feedback."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The intent it reads and the entity it sets."""
        return {"intent": "feedback", "entity": "helpful"}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FeedbackEntityExtractor:
        """Nothing to train or load."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the entity on feedback messages whose words say yes or no."""
        for message in messages:
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != self._config["intent"]:
                continue
            found = polarity(message.get(TEXT) or "")
            if found is None:
                continue
            value, start, end = found
            entity = {"entity": self._config["entity"], "value": value, "start": start, "end": end}
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != self._config["entity"]]
            message.set(ENTITIES, [*entities, self.add_extractor_name([entity])[0]], add_to_output=True)
        return messages
