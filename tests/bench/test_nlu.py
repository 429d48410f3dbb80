"""The NLU benchmark's figures, on hand-made predictions (no training)."""

from bench.nlu import EMERGENCY, OOS, Scores


def scores() -> Scores:
    """Four out-of-scope examples (one right, one fell back to a topic, two wrong) and one emergency."""
    return Scores(
        truth=[OOS, OOS, OOS, OOS, EMERGENCY],
        predicted=[OOS, "greet", "fraud", "thank", EMERGENCY],
        fell_back=[False, True, False, False, False],
    )


def test_recall_counts_only_the_intents_own_examples():
    assert scores().recall(OOS) == 0.25
    assert scores().recall(EMERGENCY) == 1.0


def test_an_out_of_scope_message_that_fell_back_was_given_no_topic():
    assert scores().oos_not_answered() == 0.5
    assert scores().fallbacks == 1
