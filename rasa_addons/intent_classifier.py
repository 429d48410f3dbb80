"""A linear intent classifier on TF-IDF n-grams and sentence-encoder vectors.

Chosen over DIET by measurement (bench/nlu.py, same 5 folds; the figures are in config.yml's comments): on a
few thousand examples a well-regularised linear model over pretrained sentence vectors and n-grams is more
accurate, trains in seconds and is deterministic. Two losses:
- `logistic`: multinomial logistic regression, whose probabilities are used as they come;
- `hinge`: a linear SVM (one against the rest), more accurate here. Its scores are turned into probabilities
  by a softmax with one scale, learnt on held-out scores of the training examples (a 3-fold split of them), so
  the fallback threshold and the risk classifier read probabilities either way.
The weights are plain arrays (NumPy .npz and JSON), never a pickle.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.linear_features import FeatureBlocks, load_weights, save_weights, softmax, transposed

logger = logging.getLogger(__name__)
LOSSES = ("logistic", "hinge")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Predicts the intent (and a ranking) with multinomial logistic regression."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Featurizer aliases per block, the regularisation and the intents it never predicts."""
        return {
            "sparse_featurizers": [],  # aliases of CountVectorsFeaturizers: each a TF-IDF block
            "dense_featurizers": [],  # aliases of dense featurizers (sentence vectors)
            "dense_weight": 1.0,
            "loss": "logistic",  # or "hinge" (a linear SVM with a learnt softmax scale)
            "C": 10.0,
            "max_iter": 3000,
            "class_weight": {},  # {intent: weight}: mistakes on these examples cost that many times more
            "exclude_intents": [],  # decided by another component (the risk classifier decides emergencies)
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        blocks: FeatureBlocks | None = None,
        classes: list[str] | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
        scale: float = 1.0,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        if self._config["loss"] not in LOSSES:
            raise InvalidConfigException(f"loss must be one of {', '.join(LOSSES)}, not {self._config['loss']!r}")
        self._storage = model_storage
        self._resource = resource
        self._blocks = blocks or FeatureBlocks.of(self._config)
        self._classes = classes or []
        self._coef = coef
        self._intercept = intercept
        self._scale = scale
        self._coef_t = transposed(coef)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """An untrained classifier."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the model on every intent example not excluded."""
        excluded = set(self._config["exclude_intents"])
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT) not in excluded]
        if not examples:
            logger.warning("LinearIntentClassifier: no training examples")
            return self._resource
        self._blocks.fit(examples)
        features = self._blocks.transform(examples)
        labels = np.asarray([m.get(INTENT) for m in examples])
        model = self._model().fit(features, labels)
        self._classes = [str(c) for c in model.classes_]
        self._coef, self._intercept = model.coef_, model.intercept_
        self._coef_t = transposed(self._coef)
        self._scale = self._learn_scale(features, labels) if self._config["loss"] == "hinge" else 1.0
        self.persist()
        return self._resource

    def _model(self) -> Any:
        """An unfitted scikit-learn model of the configured loss (both deterministic)."""
        from sklearn.linear_model import LogisticRegression  # only needed to train
        from sklearn.svm import LinearSVC

        options = {"C": self._config["C"], "max_iter": self._config["max_iter"],
                   "class_weight": dict(self._config["class_weight"]) or None}  # fmt: skip
        if self._config["loss"] == "hinge":
            return LinearSVC(**options, random_state=0)
        return LogisticRegression(**options, solver="lbfgs")

    def _learn_scale(self, features: Any, labels: np.ndarray) -> float:
        """The softmax scale that makes held-out SVM scores the most likely (lowest log loss)."""
        from sklearn.model_selection import StratifiedKFold

        classes, rows = np.unique(labels, return_inverse=True)  # the order of model.classes_ and self._classes
        if len(classes) < 3 or np.bincount(rows).min() < 3:
            return 1.0  # too few examples to hold any out: scores as they are
        # With 3 or more examples of each, every training part holds every intent: the score columns line up.
        held = np.zeros((len(labels), len(classes)))
        for train, test in StratifiedKFold(n_splits=3, shuffle=True, random_state=0).split(features, labels):
            held[test] = self._model().fit(features[train], labels[train]).decision_function(features[test])
        candidates = np.geomspace(0.5, 100.0, 60)
        losses = [-np.log(softmax(held * c)[np.arange(len(rows)), rows] + 1e-12).mean() for c in candidates]
        return float(candidates[int(np.argmin(losses))])

    def persist(self) -> None:
        """Write the weights and the intent names to the model storage."""
        if self._coef is None or self._intercept is None:
            return
        arrays = {"coef": self._coef, "intercept": self._intercept, "scale": np.asarray([self._scale])}
        arrays.update(self._blocks.to_arrays("blocks_"))
        save_weights(self._storage, self._resource, arrays, self._classes)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Read the weights back; an untrained classifier if there are none."""
        merged = {**cls.get_default_config(), **config}
        stored = load_weights(model_storage, resource)
        if stored is None:
            logger.warning("LinearIntentClassifier: no trained weights found; it will predict nothing")
            return cls(merged, model_storage, resource)
        arrays, classes = stored
        blocks = FeatureBlocks.of(merged).load_arrays(arrays, "blocks_")
        scale = float(arrays["scale"][0]) if "scale" in arrays else 1.0
        return cls(merged, model_storage, resource, blocks, classes, arrays["coef"], arrays["intercept"], scale)

    def probabilities(self, messages: list[Message]) -> np.ndarray:
        """Each message's probability per intent (rows sum to 1), in the order of `classes`."""
        features = self._blocks.transform(messages)
        scores = np.asarray(features @ self._coef_t) + self._intercept
        if scores.shape[1] == 1:  # two classes: scikit-learn keeps one row of weights
            scores = np.hstack([-scores, scores])
        return softmax(scores * self._scale)

    @property
    def classes(self) -> list[str]:
        """The intents it can predict."""
        return list(self._classes)

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent and the ranking on every message with text."""
        texts = [m for m in messages if m.get(TEXT)]
        if not texts or self._coef is None:
            return messages
        limit = self._config["ranking_length"]
        for message, row in zip(texts, self.probabilities(texts), strict=True):
            order = np.argsort(-row, kind="stable")
            ranking = [
                {INTENT_NAME_KEY: self._classes[i], PREDICTED_CONFIDENCE_KEY: float(row[i])} for i in order[:limit]
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
