"""The safety net as a Rasa NLU component: a clear danger phrase always means intent `emergency`.

It sits in config.yml after DIETClassifier and FallbackClassifier, so it overrides both a wrong
topic and `nlu_fallback`; because forms read the same intent, it also works in the middle of a form.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.safety_net import detect_danger

logger = logging.getLogger(__name__)

# Added to the parse result, so logs and the NLU benchmark can tell a safety-net hit from the model.
SAFETY_NET_KEY = "safety_net"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):
    """Sets the intent to `emergency` (confidence 1.0) when the text holds a clear danger phrase."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The intent to force; configurable so a rename in the domain needs no code change."""
        return {"intent": "emergency"}

    def __init__(self, config: dict[str, Any]) -> None:
        self._intent = config.get("intent", "emergency")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Build the component; it has nothing to train or load."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Force the emergency intent on every message with a danger phrase."""
        for message in messages:
            phrase = detect_danger(message.get(TEXT) or "")
            if phrase is None:
                continue
            logger.debug("Safety net matched %r: forcing intent %s", phrase, self._intent)
            forced = {INTENT_NAME_KEY: self._intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != self._intent]
            message.set(INTENT, forced, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
            message.set(SAFETY_NET_KEY, {"matched": phrase}, add_to_output=True)
        return messages
