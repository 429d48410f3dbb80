"""The intent and risk classifiers (rasa_addons/intent_classifier.py, risk_classifier.py), trained, persisted and
loaded back in the Rasa environment by tests/rasa_addons/classifier_probe.py; the assertions are here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.rasa_addons.probes import run_probe

PROBE = Path(__file__).with_name("classifier_probe.py")


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    """What the probe printed (one run for the module: training takes a few seconds)."""
    return run_probe(PROBE, timeout=600)


def test_the_intent_classifier_fits_its_training_examples(probe):
    assert all(probe["training_fit"])


def test_a_loaded_model_predicts_what_the_trained_one_did(probe):
    for trained, loaded in zip(probe["trained"], probe["loaded"], strict=True):
        assert loaded["intent"] == trained["intent"]
        assert loaded["topic_confidence"] == pytest.approx(trained["topic_confidence"], abs=1e-9)
        assert loaded["risk"] == trained["risk"]


def test_danger_now_gets_the_danger_intent_and_a_sure_decision(probe):
    danger = probe["loaded"][0]
    assert danger["intent"] == "emergency"
    assert danger["risk"]["level"] == "danger_now" and danger["risk"]["sure"]


def test_a_past_disclosure_gets_its_kind_of_harm_and_no_danger(probe):
    disclosure = probe["loaded"][1]
    assert disclosure["risk"]["level"] == "disclosure" and disclosure["risk"]["kind"] == "domestic_abuse"
    assert disclosure["risk"]["narrative"] and not disclosure["risk"]["sure"]
    assert disclosure["intent"] == "domestic_abuse"
    assert "emergency" not in disclosure["ranking"]  # danger is not offered when it was decided against


def test_ordinary_questions_keep_their_topic_and_no_risk(probe):
    for row in probe["loaded"][2:]:
        assert row["risk"]["level"] == "none"
        assert row["intent"] == row["topic"]
        assert "emergency" not in row["ranking"]


def test_an_out_of_scope_topic_the_classifier_is_sure_of_keeps_its_answer_over_a_weaker_disclosure(probe):
    sure = probe["sure_topic"]
    assert sure["sure"] == {"intent": "out_of_scope", "level": "disclosure", "help": None}  # still withheld
    assert sure["unsure"] == {"intent": "domestic_abuse", "level": "disclosure", "help": None}
    assert sure["kind_surer"] == {"intent": "domestic_abuse", "level": "disclosure", "help": None}
    assert sure["other_topic"] == {"intent": "domestic_abuse", "level": "disclosure", "help": None}  # no topic_sure


def test_without_topic_sure_a_disclosure_always_gets_the_harms_answer(probe):
    assert {row["intent"] for row in probe["unsure_topic"].values()} == {"domestic_abuse"}
    assert {row["help"] for row in probe["unsure_topic"].values()} == {None}


def test_with_help_after_a_sure_topic_keeps_its_answer_and_owes_the_harms_help(probe):
    rows = probe["help_after"]
    assert rows["other_topic"] == {"intent": "beacon_info", "level": "disclosure", "help": "domestic_abuse"}
    assert rows["sure"] == {"intent": "out_of_scope", "level": "disclosure", "help": None}  # topic_sure's: alone
    # Not sure enough of the topic, or surer of the harm: the harm's own answer, as without help_after.
    assert rows["unsure"] == {"intent": "domestic_abuse", "level": "disclosure", "help": None}
    assert rows["kind_surer"] == {"intent": "domestic_abuse", "level": "disclosure", "help": None}
    # One of help_instead's, however sure: the harm's answer replaces it.
    assert rows["help_instead"] == {"intent": "domestic_abuse", "level": "disclosure", "help": None}


def test_an_untrained_intent_classifier_predicts_nothing(probe):
    assert probe["untrained_intent"] is None  # the message keeps no intent: the fallback takes over


def test_the_svm_loss_fits_its_training_examples_and_predicts_the_clear_topics(probe):
    hinge = probe["hinge"]
    assert all(hinge["training_fit"])
    assert [row["intent"] for row in hinge["trained"][2:]] == ["lost_property", "beacon_info"]


def test_the_svm_scores_become_probabilities_with_a_learnt_scale_that_is_persisted(probe):
    hinge = probe["hinge"]
    assert hinge["scale"] != 1.0 and 0.5 <= hinge["scale"] <= 100.0
    assert hinge["loaded_scale"] == hinge["scale"]
    for trained, loaded in zip(hinge["trained"], hinge["loaded"], strict=True):
        assert trained["sum"] == pytest.approx(1.0) and 0.0 < trained["confidence"] <= 1.0
        assert loaded["intent"] == trained["intent"]
        assert loaded["confidence"] == pytest.approx(trained["confidence"], abs=1e-9)


def test_the_svm_trains_to_the_same_weights_every_time(probe):
    assert probe["hinge"]["retrained_identical"]


def test_a_weighted_intent_becomes_more_likely_for_an_unclear_message(probe):
    beacon = probe["hinge"]["beacon_probability"]
    assert beacon["weighted"] > beacon["plain"]


def test_an_unknown_loss_is_refused(probe):
    assert probe["hinge"]["unknown_loss_refused"]
