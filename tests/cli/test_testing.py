"""The held-out NLU check: which targets a `rasa test nlu` intent report misses."""

from bot.cli.testing import NLU_TARGETS, nlu_failures


def report(macro_f1: float, oos: float, emergency: float) -> dict:
    """An intent report shaped like Rasa's intent_report.json."""
    return {
        "accuracy": macro_f1,
        "macro avg": {"precision": 1.0, "recall": 1.0, "f1-score": macro_f1, "support": 100},
        "out_of_scope": {"precision": 1.0, "recall": oos, "f1-score": oos, "support": 40},
        "emergency": {"precision": 1.0, "recall": emergency, "f1-score": emergency, "support": 8},
    }


def test_a_report_that_meets_every_target_passes():
    assert nlu_failures(report(0.985, 0.95, 1.0)) == []


def test_one_missed_emergency_fails_however_good_the_rest():
    assert nlu_failures(report(0.99, 1.0, 0.875)) == ["emergency_recall 0.875 < 1.00"]


def test_every_missed_target_is_named():
    failures = nlu_failures(report(0.5, 0.5, 0.5))
    assert [line.split()[0] for line in failures] == list(NLU_TARGETS)


def test_a_report_without_the_intents_fails_rather_than_passing_silently():
    assert len(nlu_failures({"accuracy": 1.0})) == len(NLU_TARGETS)
