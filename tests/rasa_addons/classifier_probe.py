"""Runs in the Rasa environment for tests/rasa_addons/test_linear_classifiers.py (which asserts on what it prints).

    PYTHONPATH=. .venv-rasa/bin/python tests/rasa_addons/classifier_probe.py

Trains LinearIntentClassifier and RiskClassifier on a small labelled set whose messages carry hand-made sparse
(word counts) and dense sentence features, persists both to a model storage, loads them back (and loads from an
empty storage), and prints one JSON object of what each instance predicts for a few messages.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.intent_classifier import LinearIntentClassifier
from rasa_addons.risk_classifier import RiskClassifier

TRAINING = {
    "emergency": ["he is hitting me right now", "someone is breaking in now", "there is a man with a knife outside",
                  "my partner is attacking me now", "help he is kicking the door in now"],
    "domestic_abuse": ["my husband hit me last year", "my ex used to control my money",
                       "he was violent when we lived together", "my partner shouts and hits me sometimes",
                       "i left an abusive relationship"],
    "lost_property": ["i lost my wallet on the bus", "has anyone found my keys", "lost my phone in watford",
                      "i left my bag on the train", "found a purse in the park"],
    "beacon_info": ["what is beacon", "who helps victims of crime", "victim support in hertfordshire",
                    "can beacon help me", "how do i contact beacon"],
}  # fmt: skip
PROBES = ["someone is hitting me right now", "my ex was violent last year", "i lost my keys", "what does beacon do"]
VOCABULARY = sorted({word for texts in TRAINING.values() for text in texts for word in text.split()})


def featurized(text: str, intent: str | None = None) -> Message:
    """A message with the features the components read: word counts (`words`) and a dense vector (`enc`)."""
    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    counts = np.zeros((1, len(VOCABULARY)))
    for word in text.split():
        if word in VOCABULARY:
            counts[0, VOCABULARY.index(word)] += 1
    message.add_features(Features(scipy.sparse.coo_matrix(counts), "sentence", TEXT, "words"))
    dense = np.array([[len(text) / 40.0, text.count(" ") / 8.0, float("now" in text), 1.0]])
    message.add_features(Features(dense, "sentence", TEXT, "enc"))
    return message


def ranked(message: Message, classifier: LinearIntentClassifier) -> Message:
    """The message as the risk classifier sees it: after the intent classifier."""
    classifier.process([message])
    return message


def hinge(data: TrainingData, storage: LocalModelStorage, context: ExecutionContext, config: dict) -> dict:
    """The intent classifier with the SVM loss: trained, loaded back, and what each predicts."""
    config = {**config, "loss": "hinge", "C": 1.0}

    def trained_as(name: str, **options: Any) -> LinearIntentClassifier:
        merged = {**LinearIntentClassifier.get_default_config(), **config, **options}
        classifier = LinearIntentClassifier.create(merged, storage, Resource(name), context)
        classifier.train(data)
        return classifier

    trained, again = trained_as("hinge"), trained_as("hinge_again")
    weighted = trained_as("hinge_weighted", class_weight={"beacon_info": 20.0})
    loaded = LinearIntentClassifier.load(config, storage, Resource("hinge"), context)
    result: dict[str, Any] = {"scale": trained._scale, "loaded_scale": loaded._scale}
    ambiguous = [featurized("who can help me")]
    result["beacon_probability"] = {
        name: float(model.probabilities(ambiguous)[0][model.classes.index("beacon_info")])
        for name, model in {"plain": trained, "weighted": weighted}.items()
    }
    try:
        LinearIntentClassifier.create({**config, "loss": "squared"}, storage, Resource("bad"), context)
        result["unknown_loss_refused"] = False
    except InvalidConfigException:
        result["unknown_loss_refused"] = True
    result["retrained_identical"] = bool(
        np.array_equal(again._coef, trained._coef) and np.array_equal(again._intercept, trained._intercept)
        and again._scale == trained._scale
    )
    for name, classifier in {"trained": trained, "loaded": loaded}.items():
        probabilities = classifier.probabilities([featurized(text) for text in PROBES])
        result[name] = [
            {"intent": classifier.classes[int(row.argmax())], "confidence": float(row.max()), "sum": float(row.sum())}
            for row in probabilities
        ]
    result["training_fit"] = [
        ranked(featurized(text), trained).get(INTENT)["name"] == intent
        for intent, texts in TRAINING.items() for text in texts
    ]  # fmt: skip
    return result


def sure_topic(risk: RiskClassifier) -> dict[str, Any]:
    """What the risk classifier does with a topic it is sure of and a disclosure only its kind model saw."""
    rows = {}
    cases = {"sure": ("out_of_scope", 0.95, 0.7), "unsure": ("out_of_scope", 0.6, 0.7),
             "kind_surer": ("out_of_scope", 0.95, 0.97), "other_topic": ("beacon_info", 0.95, 0.7),
             "help_instead": ("case_detail", 0.95, 0.7)}  # fmt: skip
    for name, (topic, topic_confidence, kind_probability) in cases.items():
        message = Message(data={TEXT: "i got a parking ticket at the hospital car park"})
        ranking = [{"name": topic, "confidence": topic_confidence},
                   {"name": "domestic_abuse", "confidence": 1.0 - topic_confidence}]  # fmt: skip
        message.set(INTENT, ranking[0])
        message.set(INTENT_RANKING_KEY, ranking)
        risk._apply(message, 0.0, {"none": 1.0 - kind_probability, "domestic_abuse": kind_probability})
        decided = message.get("risk")
        rows[name] = {"intent": message.get(INTENT)["name"], "level": decided["level"], "help": decided.get("help")}
    return rows


def main() -> None:
    """Train, persist, load and print the predictions."""
    examples = [featurized(text, intent) for intent, texts in TRAINING.items() for text in texts]
    data = TrainingData(training_examples=examples)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        context = ExecutionContext(GraphSchema({}), "probe")
        intent_config = {"sparse_featurizers": ["words"], "dense_featurizers": ["enc"], "C": 10}
        risk_config = {"sparse_featurizers": ["words"], "dense_featurizers": ["enc"],
                       "harm_topics": {"domestic_abuse": "domestic_abuse"},
                       "help_for": {"domestic_abuse": ["domestic_abuse"]}}  # fmt: skip
        intents = LinearIntentClassifier.create(
            {**LinearIntentClassifier.get_default_config(), **intent_config}, storage, Resource("intents"), context
        )
        intents.train(data)
        risk = RiskClassifier.create(
            {**RiskClassifier.get_default_config(), **risk_config}, storage, Resource("risk"), context
        )
        risk.train(data)
        loaded_intents = LinearIntentClassifier.load(intent_config, storage, Resource("intents"), context)
        loaded_risk = RiskClassifier.load(risk_config, storage, Resource("risk"), context)
        empty_intents = LinearIntentClassifier.load(intent_config, storage, Resource("nothing"), context)
        for name, (ic, rc) in {"trained": (intents, risk), "loaded": (loaded_intents, loaded_risk)}.items():
            rows = []
            for text in PROBES:
                message = ranked(featurized(text), ic)
                before = message.get(INTENT)
                rc.process([message])
                rows.append({
                    "text": text, "topic": before["name"], "topic_confidence": before["confidence"],
                    "intent": message.get(INTENT)["name"], "risk": message.get("risk"),
                    "ranking": [r["name"] for r in message.get(INTENT_RANKING_KEY) or []],
                })  # fmt: skip
            out[name] = rows
        untrained = featurized(PROBES[2])
        empty_intents.process([untrained])
        out["untrained_intent"] = untrained.get(INTENT)
        out["hinge"] = hinge(data, storage, context, intent_config)
        sure_config = {**RiskClassifier.get_default_config(), **risk_config, "topic_sure": {"out_of_scope": 0.9}}
        out["sure_topic"] = sure_topic(RiskClassifier.load(sure_config, storage, Resource("risk"), context))
        out["unsure_topic"] = sure_topic(loaded_risk)
        help_config = {**sure_config, "help_after": 0.9, "help_instead": ["case_detail"]}
        out["help_after"] = sure_topic(RiskClassifier.load(help_config, storage, Resource("risk"), context))
        out["training_fit"] = [
            ranked(featurized(text), intents).get(INTENT)["name"] == intent
            for intent, texts in TRAINING.items() for text in texts
        ]  # fmt: skip
    print(json.dumps(out, default=float))


if __name__ == "__main__":
    main()
