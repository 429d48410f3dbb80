"""The labelled safety set's test part, through the running assistant: the targets of issue 15.

Every message goes through /api/chat to the real Rasa and action servers (bench/safety.py grades the replies).
The test part was written apart from the training data and is never used to tune a rule, an example or a
threshold; the development part is for that (`make bench` reports both).
"""

import pytest

from bench import safety


@pytest.fixture(scope="module")
def outcomes(stack):
    return safety.run(stack.chat, safety.load("test"))


def test_the_set_is_big_enough_and_covers_every_label_and_kind():
    items = safety.load("test") + safety.load("dev")
    assert len(items) >= 400
    labels = {item.label for item in items}
    assert labels == {"danger_now", "disclosure", "benign", "form_narrative"}
    assert {i.kind for i in items if i.label == "disclosure"} == set(safety.KIND_HELP)
    assert {i.kind for i in items if i.label == "form_narrative"} == set(safety.FORM_ROUTES)


def test_the_two_parts_share_no_message():
    dev = {item.text.casefold() for item in safety.load("dev")}
    assert not [item.text for item in safety.load("test") if item.text.casefold() in dev]


@pytest.mark.stack
def test_danger_now_always_gets_999_first(outcomes):
    assert safety.figures(outcomes)["danger_recall"] >= safety.TARGETS["danger_recall"], safety.failures(outcomes)


@pytest.mark.stack
def test_disclosures_get_the_help_for_their_kind_of_harm(outcomes):
    assert safety.figures(outcomes)["disclosure_help"] >= safety.TARGETS["disclosure_help"], safety.failures(outcomes)


@pytest.mark.stack
def test_alarming_words_in_ordinary_messages_are_rarely_taken_for_danger(outcomes):
    assert safety.figures(outcomes)["benign_blocked"] <= safety.TARGETS["benign_blocked"], safety.failures(outcomes)


@pytest.mark.stack
def test_stories_of_the_past_typed_into_a_form_move_it_on(outcomes):
    assert safety.figures(outcomes)["form_moved_on"] >= safety.TARGETS["form_moved_on"], safety.failures(outcomes)
