"""How urgent a message is, decided apart from what it is about: danger now, a disclosure of harm, or neither.

Topic and urgency are two decisions. The intent classifier says what a message is about and never predicts
`emergency` (config.yml excludes it); this component, last in the NLU pipeline, decides at every turn
whether harm is happening now or about to happen. It is a logistic regression over the sentence encoder's
vector, TF-IDF n-grams and the time cues of rasa_addons/risk_cues.py, trained with every `emergency` example
as "danger now" and every other example (past assaults, complaints about force used in an arrest, missing
phones, fire drills) as "not now". Beside it the deterministic net (rasa_addons/safety_net.py) catches the
unmistakable phrases. A message that clearly looks back ("he was threatening me when we were together")
needs a much higher score to count as danger now.

Danger now sets the intent to `emergency` (the 999 message comes first, mid-form too); otherwise the topic
stands, and a topic about harm (domestic abuse, sexual violence, ...) is recorded as a disclosure of that
kind. The decision is added to the parse result as `risk`, so logs, tests and the benchmark can read it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.linear_features import FeatureBlocks
from rasa_addons.risk_cues import cue_vector, looks_back
from rasa_addons.safety_net import detect_danger

logger = logging.getLogger(__name__)

RISK_KEY = "risk"  # added to the parse result: {"level", "kind", "score", "net"}
DANGER, DISCLOSURE, NONE = "danger_now", "disclosure", "none"


def decide(score: float, net_phrase: str | None, narrative: bool, threshold: float, narrative_threshold: float) -> bool:
    """Danger now: the net matched, or the model is sure enough (much surer for a message about the past)."""
    if net_phrase is not None:
        return True
    return score >= (narrative_threshold if narrative else threshold)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskClassifier(GraphComponent, IntentClassifier):
    """Decides danger now / disclosure / none for every message and makes danger now the `emergency` intent."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The intent that means danger now, the features, the thresholds and the harm topics."""
        return {
            "danger_intent": "emergency",
            "sparse_featurizers": [],
            "dense_featurizers": [],
            "dense_weight": 1.0,
            "cue_weight": 1.0,
            "C": 1.0,
            "max_iter": 3000,
            "threshold": 0.5,
            "narrative_threshold": 0.9,
            # Topics that are disclosures of harm, and the kind of harm each is (for the `risk` output).
            "disclosure_intents": {},
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        blocks: FeatureBlocks | None = None,
        weights: dict[str, np.ndarray] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._blocks = blocks or FeatureBlocks(
            self._config["sparse_featurizers"], self._config["dense_featurizers"], self._config["dense_weight"]
        )
        self._weights = weights

    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> RiskClassifier:
        """An untrained classifier (the net alone decides until it is trained)."""
        return cls(config, model_storage, resource)

    def _features(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        cue_rows = np.array([cue_vector(m.get(TEXT) or "") for m in messages]) * self._config["cue_weight"]
        return scipy.sparse.csr_matrix(scipy.sparse.hstack([self._blocks.transform(messages), cue_rows]))

    def train(self, training_data: TrainingData) -> Resource:
        """Learn danger now (the danger intent's examples) against everything else."""
        from sklearn.linear_model import LogisticRegression  # only needed to train

        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = np.array([m.get(INTENT) == self._config["danger_intent"] for m in examples], dtype=int)
        if not examples or labels.min() == labels.max():
            logger.warning("RiskClassifier: needs examples of danger now and of other messages; the net decides")
            return self._resource
        self._blocks.fit(examples)
        model = LogisticRegression(C=self._config["C"], max_iter=self._config["max_iter"], class_weight="balanced")
        model.fit(self._features(examples), labels)
        self._weights = {"coef": model.coef_[0], "intercept": np.asarray(model.intercept_)}
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Write the weights to the model storage."""
        if self._weights is None:
            return
        with self._storage.write_to(self._resource) as directory:
            np.savez(directory / "risk.npz", **self._weights, **self._blocks.to_arrays("blocks_"))
            (directory / "meta.json").write_text(json.dumps({"danger_intent": self._config["danger_intent"]}))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RiskClassifier:
        """Read the weights back; without them only the net decides."""
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory, np.load(directory / "risk.npz") as stored:
                arrays = {name: stored[name] for name in stored.files}
        except (ValueError, FileNotFoundError):
            logger.warning("RiskClassifier: no trained weights; only the deterministic net decides")
            return cls(merged, model_storage, resource)
        blocks = FeatureBlocks(merged["sparse_featurizers"], merged["dense_featurizers"], merged["dense_weight"])
        blocks.load_arrays(arrays, "blocks_")
        weights = {"coef": arrays["coef"], "intercept": arrays["intercept"]}
        return cls(merged, model_storage, resource, blocks, weights)

    def scores(self, messages: list[Message]) -> np.ndarray:
        """The model's probability of danger now for each message (0 where untrained)."""
        if self._weights is None or not messages:
            return np.zeros(len(messages))
        logits = np.asarray(self._features(messages) @ self._weights["coef"]).ravel() + self._weights["intercept"][0]
        return 1.0 / (1.0 + np.exp(-logits))

    def process(self, messages: list[Message]) -> list[Message]:
        """Decide each message's risk, and make danger now the danger intent."""
        texts = [m for m in messages if m.get(TEXT)]
        for message, score in zip(texts, self.scores(texts), strict=True):
            self._apply(message, float(score))
        return messages

    def _apply(self, message: Message, score: float) -> None:
        text = message.get(TEXT) or ""
        phrase = detect_danger(text)
        narrative = looks_back(text)
        danger_intent = self._config["danger_intent"]
        cfg = self._config
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != danger_intent]
        if decide(score, phrase, narrative, cfg["threshold"], cfg["narrative_threshold"]):
            chosen = {INTENT_NAME_KEY: danger_intent, PREDICTED_CONFIDENCE_KEY: 1.0 if phrase else round(score, 4)}
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
            risk = {"level": DANGER, "kind": None}
        else:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent == danger_intent:  # only this component may say danger now
                replacement = ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
                message.set(INTENT, replacement, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                intent = replacement.get(INTENT_NAME_KEY)
            kind = cfg["disclosure_intents"].get(intent)
            risk = {"level": DISCLOSURE if kind else NONE, "kind": kind}
        risk.update(score=round(score, 4), net=phrase, narrative=narrative)
        message.set(RISK_KEY, risk, add_to_output=True)
