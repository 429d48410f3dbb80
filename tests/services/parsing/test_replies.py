"""Short replies: skipping a question, a deliberate skip, and yes / no / not sure."""

import pytest

from bot.services.parsing.replies import is_explicit_skip, is_skip, yes_no


@pytest.mark.parametrize(
    "typed",
    ["skip", "Skip this one.", "pass", "next question", "none", "no", "No thanks", "nope", "n/a", "NA", "-",
     "unknown", "nothing", "nobody", "no one", "don't know", "I dont know", "I don\u2019t know", "dunno",
     "not sure!", "no idea", "can't remember", "I don't have an email", "i don't have a phone",
     "i'd rather not say", "prefer not to say"],
)
def test_not_answering(typed):
    assert is_skip(typed)


@pytest.mark.parametrize("typed", ["", "a black iPhone", "no, it was blue", "nobody saw it except me", "Nobby"])
def test_answers_are_not_skips(typed):
    assert not is_skip(typed)


@pytest.mark.parametrize("typed", ["skip", "skip it", "pass", "next", "prefer not to say", "I'd rather not say."])
def test_a_deliberate_skip(typed):
    assert is_explicit_skip(typed)


@pytest.mark.parametrize("typed", ["none", "no", "don't know", "no injuries"])
def test_none_is_an_answer_not_a_deliberate_skip(typed):
    assert not is_explicit_skip(typed)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("yes please", "yes"), ("Yeah", "yes"), ("ok", "yes"), ("they did", "yes"), ("no not yet", "no"),
     ("nope", "no"), ("I haven't", "no"), ("not sure", "unsure"), ("maybe", "unsure"),
     ("yes but I don't know", "unsure"), ("blue", None), ("", None)],
)
def test_yes_no_or_not_sure(typed, answer):
    assert yes_no(typed) == answer
