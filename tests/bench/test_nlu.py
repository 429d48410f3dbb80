"""The NLU benchmark's figures, on hand-made predictions (no training)."""

import pytest

from bench.nlu import EMERGENCY, OOS, Scores


def scores() -> Scores:
    """Four out-of-scope examples (one right, one right but fell back, two wrong), one emergency, two topics."""
    return Scores(
        "test",
        truth=[OOS, OOS, OOS, OOS, EMERGENCY, "fraud", "fraud"],
        predicted=[OOS, OOS, "fraud", "thank", EMERGENCY, "fraud", "fraud"],
        fell_back=[False, True, False, False, False, True, False],
    )


def test_recall_counts_only_the_intents_own_examples_answered_without_a_question():
    assert scores().recall(OOS) == 0.25  # the one that fell back was asked "Did you mean ...?", not answered
    assert scores().recall(EMERGENCY) == 1.0


def test_in_scope_answered_counts_every_other_intent_that_did_not_fall_back():
    assert scores().in_scope_answered() == pytest.approx(2 / 3)


def test_confusions_count_each_mistake_pair_most_frequent_first():
    mixed = Scores("test", truth=["a", "a", "a", "b", "b"], predicted=["b", "b", "a", "a", "b"], fell_back=[False] * 5)
    assert mixed.confusions() == [("a", "b", 2), ("b", "a", 1)]
    assert mixed.confusions(1) == [("a", "b", 2)]
