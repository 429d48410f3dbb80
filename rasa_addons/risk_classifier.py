"""How urgent a message is, decided apart from what it is about: danger now, a disclosure of harm, or neither.

Topic and urgency are two decisions. The intent classifier says what a message is about; this component,
last in the NLU pipeline (after the FallbackClassifier), decides at every turn whether harm is happening now or about to
happen, and whether the message discloses harm of a kind that has its own help. Two logistic regressions over
the sentence encoder's vector, TF-IDF n-grams and the time cues of rasa_addons/risk_cues.py:
- danger now: every `emergency` example against every other one (past assaults, complaints about force in an
  arrest, missing phones, fire drills). Its probability is combined with the intent classifier's own
  probability of `emergency` (two different models agree more rarely by accident);
- the kind of harm disclosed: the harm topics (domestic abuse, sexual violence, ...) against everything else.
Beside them the deterministic net (rasa_addons/safety_net.py) catches the unmistakable phrases. A message that
clearly looks back ("he was threatening me when we were together") needs a much higher score.

Danger now makes the intent `emergency` (the 999 message comes first, mid-form too). Otherwise only this component
may not leave `emergency` standing, and a disclosure whose topic has no help for that harm gets the intent of the
harm's own answer (the topic stays second in the ranking), unless the topic is one of `topic_sure`'s and the intent
classifier is that sure of it and surer than the kind model is of the harm: "my team got murdered in the cup" keeps
its out-of-scope answer. Any other topic the intent classifier is `help_after` sure of (and surer than the kind
model) keeps its answer, and the harm's own answer follows it: "how do i claim compensation, a man punched me in
the face at the station last month" is told about compensation, then given the help after an assault
(`risk["help"]` names the harm's intent; rasa_addons/disclosure_help.py gives its answer). Such a message still
counts as a disclosure, so its words are withheld from the stored conversation all the same
(rasa_addons/stored_events.py). The decision is added to the parse result as `risk`: {"level", "kind", "score",
"sure", "net", "narrative", "kind_scores"}, and "help" when the harm's answer follows the topic's.
`sure` (the net, or a score above the narrative threshold) is what lets danger interrupt a free-text answer inside
a form (actions/forms.py).
"""

from __future__ import annotations

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

from rasa_addons.linear_features import FeatureBlocks, load_weights, save_weights, softmax, transposed
from rasa_addons.risk_cues import cue_vector, looks_back
from rasa_addons.safety_net import detect_danger

logger = logging.getLogger(__name__)

RISK_KEY = "risk"  # added to the parse result
HELP_KEY = "help"  # in `risk`: the harm's intent whose answer follows the topic's (rasa_addons/disclosure_help.py)
FALLBACK_INTENT = "nlu_fallback"  # the FallbackClassifier's, which runs before this component
DANGER, DISCLOSURE, NONE = "danger_now", "disclosure", "none"


def combined_score(own: float, topic: float) -> float:
    """Danger now from both models: the geometric mean, high only when both say so."""
    return float(np.sqrt(max(own, 0.0) * max(topic, 0.0)))


def topic_outweighs(topic_confidence: float | None, kind_probability: float, least: float | None) -> bool:
    """Whether a topic keeps its own answer over a disclosure of harm that only the kind model saw."""
    if least is None or topic_confidence is None:
        return False
    return topic_confidence >= least and topic_confidence > kind_probability


def confidence_of(ranking: list[dict[str, Any]], intent: str | None) -> float | None:
    """The intent's confidence in a ranking (None when it is not there)."""
    return next((r[PREDICTED_CONFIDENCE_KEY] for r in ranking if r[INTENT_NAME_KEY] == intent), None)


def decide(score: float, net_phrase: str | None, narrative: bool, threshold: float, narrative_threshold: float) -> bool:
    """Danger now: the net matched, or the score is high enough (much higher for a message about the past)."""
    if net_phrase is not None:
        return True
    return score >= (narrative_threshold if narrative else threshold)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskClassifier(GraphComponent, IntentClassifier):
    """Decides danger now / disclosure / none for every message and sets the intent that gets the right help."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The danger intent, the features, the thresholds and the harm topics."""
        return {
            "danger_intent": "emergency",
            "sparse_featurizers": [],
            "dense_featurizers": [],
            "dense_weight": 1.0,
            "cue_weight": 0.5,
            "C": 30.0,
            "kind_C": 10.0,
            "max_iter": 5000,
            "threshold": 0.5,
            "narrative_threshold": 0.9,
            # The FallbackClassifier's threshold (it runs before): a topic below it is not given instead of danger.
            "fallback_threshold": 0.3,
            # Harm topics and the kind of harm each discloses (the kind model learns from their examples).
            "harm_topics": {},
            # For each kind, the intents whose answer holds its help; the first is the one given when the kind
            # model is sure enough of a disclosure the topic has no help for.
            "help_for": {},
            "disclosure_threshold": 0.4,
            # Topics that keep their answer when the intent classifier is at least this sure of them and surer than
            # the kind model is of the harm (empty: a disclosure's answer always replaces a topic with no help for it).
            "topic_sure": {},
            # Any other topic the intent classifier is at least this sure of, and surer than the kind model is of the
            # harm, keeps its answer and the harm's answer follows it (None: the harm's answer replaces the topic's).
            "help_after": None,
            # Topics whose answer the harm's always replaces, however sure (case_detail's "don't share personal
            # details" is no answer to a past harm told with a name in it).
            "help_instead": [],
            # Topics never replaced by a disclosure's answer: they start a form the resident asked for.
            "keep_intents": [],
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        blocks: FeatureBlocks | None = None,
        weights: dict[str, np.ndarray] | None = None,
        kinds: list[str] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._blocks = blocks or FeatureBlocks.of(self._config)
        self._weights = weights
        self._kind_coef_t = transposed(weights["kind_coef"]) if weights else None
        self._kinds = kinds or []

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskClassifier:
        """An untrained classifier (the net alone decides until it is trained)."""
        return cls(config, model_storage, resource)

    def _features(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        cue_rows = np.array([cue_vector(m.get(TEXT) or "") for m in messages]) * self._config["cue_weight"]
        return scipy.sparse.csr_matrix(scipy.sparse.hstack([self._blocks.transform(messages), cue_rows]))

    def train(self, training_data: TrainingData) -> Resource:
        """Learn danger now against everything else, and the kind of harm a message discloses."""
        from sklearn.linear_model import LogisticRegression  # only needed to train

        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        intents = [m.get(INTENT) for m in examples]
        danger = np.array([intent == self._config["danger_intent"] for intent in intents], dtype=int)
        if not examples or danger.min() == danger.max():
            logger.warning("RiskClassifier: needs examples of danger now and of other messages; the net decides")
            return self._resource
        self._blocks.fit(examples)
        features = self._features(examples)
        cfg = self._config
        model = LogisticRegression(C=cfg["C"], max_iter=cfg["max_iter"], class_weight="balanced").fit(features, danger)
        kinds = [cfg["harm_topics"].get(intent, NONE) for intent in intents]
        kind_model = LogisticRegression(C=cfg["kind_C"], max_iter=cfg["max_iter"], class_weight="balanced")
        kind_model.fit(features, kinds)
        self._kinds = [str(k) for k in kind_model.classes_]
        self._weights = {
            "coef": model.coef_[0], "intercept": np.asarray(model.intercept_),
            "kind_coef": kind_model.coef_, "kind_intercept": kind_model.intercept_,
        }  # fmt: skip
        self._kind_coef_t = transposed(kind_model.coef_)
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Write the weights to the model storage."""
        if self._weights is None:
            return
        save_weights(self._storage, self._resource, {**self._weights, **self._blocks.to_arrays("blocks_")}, self._kinds)

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
        stored = load_weights(model_storage, resource)
        if stored is None:
            logger.warning("RiskClassifier: no trained weights; only the deterministic net decides")
            return cls(merged, model_storage, resource)
        arrays, kinds = stored
        blocks = FeatureBlocks.of(merged).load_arrays(arrays, "blocks_")
        weights = {name: arrays[name] for name in ("coef", "intercept", "kind_coef", "kind_intercept")}
        return cls(merged, model_storage, resource, blocks, weights, kinds)

    def predict(self, messages: list[Message]) -> tuple[np.ndarray, np.ndarray]:
        """Per message: the danger model's probability, and the probability of each kind (order of `kinds`)."""
        if self._weights is None or not messages:
            return np.zeros(len(messages)), np.zeros((len(messages), len(self._kinds)))
        features = self._features(messages)
        logits = np.asarray(features @ self._weights["coef"]).ravel() + self._weights["intercept"][0]
        kind_scores = np.asarray(features @ self._kind_coef_t) + self._weights["kind_intercept"]
        if kind_scores.shape[1] == 1:  # two kinds: scikit-learn keeps one row of weights, for the second
            kind_scores = np.hstack([-kind_scores, kind_scores])
        return 1.0 / (1.0 + np.exp(-logits)), softmax(kind_scores)

    @property
    def kinds(self) -> list[str]:
        """The kinds of harm the kind model knows ("none" included)."""
        return list(self._kinds)

    def process(self, messages: list[Message]) -> list[Message]:
        """Decide each message's risk and set the intent accordingly."""
        texts = [m for m in messages if m.get(TEXT)]
        own, kinds = self.predict(texts)
        for index, message in enumerate(texts):
            self._apply(message, float(own[index]), dict(zip(self._kinds, map(float, kinds[index]), strict=True)))
        return messages

    def _apply(self, message: Message, own: float, kinds: dict[str, float]) -> None:
        cfg = self._config
        text = message.get(TEXT) or ""
        danger_intent = cfg["danger_intent"]
        full_ranking = message.get(INTENT_RANKING_KEY) or []
        topic = next((r[PREDICTED_CONFIDENCE_KEY] for r in full_ranking if r[INTENT_NAME_KEY] == danger_intent), 0.0)
        score = combined_score(own, topic) if self._weights is not None else 0.0
        phrase, narrative = detect_danger(text), looks_back(text)
        # The topics alone: neither danger (this component's to decide) nor the FallbackClassifier's entry.
        topics = [r for r in full_ranking if r.get(INTENT_NAME_KEY) not in (danger_intent, FALLBACK_INTENT)]
        risk: dict[str, Any] = {"level": NONE, "kind": None}
        if decide(score, phrase, narrative, cfg["threshold"], cfg["narrative_threshold"]):
            self._set(message, {INTENT_NAME_KEY: danger_intent, PREDICTED_CONFIDENCE_KEY: 1.0}, topics)
            risk["level"] = DANGER
        else:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent == danger_intent:  # the topic model alone may not say danger now: its next topic, if sure
                sure_enough = bool(topics) and topics[0][PREDICTED_CONFIDENCE_KEY] >= cfg["fallback_threshold"]
                intent = topics[0][INTENT_NAME_KEY] if sure_enough else FALLBACK_INTENT
            kind = self._disclosed(intent, kinds)
            helped_by = cfg["help_for"].get(kind) or [] if kind else []
            if kind is not None:
                risk.update(level=DISCLOSURE, kind=kind)
            confidence = confidence_of(topics, intent)
            replace = bool(helped_by) and intent not in helped_by and intent not in cfg["keep_intents"]
            kind_probability = kinds.get(kind or NONE, 0.0)
            # A fallback has no confidence among the topics, so it never outweighs the harm.
            if replace and not topic_outweighs(confidence, kind_probability, cfg["topic_sure"].get(intent)):
                after = cfg["help_after"] if intent not in cfg["help_instead"] else None
                if topic_outweighs(confidence, kind_probability, after):
                    risk[HELP_KEY] = helped_by[0]  # the topic's answer, then the harm's
                else:
                    intent = helped_by[0]  # a disclosure the topic has no help for gets that harm's own answer
                    confidence = confidence_of(topics, intent)
            if intent == FALLBACK_INTENT:
                confidence = cfg["fallback_threshold"]
            elif kind is not None and intent in helped_by:
                confidence = max(confidence or 0.0, kinds.get(kind, 0.0))
            chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: round(confidence or 0.0, 4)}
            self._set(message, chosen, [r for r in topics if r[INTENT_NAME_KEY] != intent])
        sure = phrase is not None or score >= cfg["narrative_threshold"]
        kind_scores = {kind: round(p, 3) for kind, p in kinds.items() if kind != NONE}
        risk.update(score=round(score, 4), sure=sure, net=phrase, narrative=narrative, kind_scores=kind_scores)
        message.set(RISK_KEY, risk, add_to_output=True)

    def _disclosed(self, intent: str | None, kinds: dict[str, float]) -> str | None:
        """The kind of harm disclosed: the topic's own, or the kind model's when it is sure enough."""
        topic_kind = self._config["harm_topics"].get(intent)
        if topic_kind is not None:
            return topic_kind
        candidates = {kind: p for kind, p in kinds.items() if kind != NONE}
        if not candidates:
            return None
        best = max(candidates, key=candidates.__getitem__)
        return best if candidates[best] >= self._config["disclosure_threshold"] else None

    @staticmethod
    def _set(message: Message, chosen: dict[str, Any] | None, rest: list[dict[str, Any]]) -> None:
        message.set(INTENT, chosen or {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *rest] if chosen else rest, add_to_output=True)
