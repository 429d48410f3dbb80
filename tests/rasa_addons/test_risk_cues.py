"""The time cues the risk classifier reads: now, the past, ongoing harm, a request for advice."""

import pytest

from rasa_addons.risk_cues import NAMES, cue_vector, cues, looks_back, normalise


def raised(text):
    return {name for name, on in cues(text).items() if on}


def test_normalise_lowers_and_straightens_apostrophes():
    assert normalise("He\u2019s  HERE") == "he's here"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("hes hitting me right now", "now"),
        ("someone is kicking the door", "progressive"),
        ("im being followed", "progressive"),
        ("hes still outside", "still_there"),
        ("he's just stabbed him", "just_happened"),
        ("please help", "urgent_plea"),
        ("lost my son 10 mins ago", "recent"),
        ("last week he hit me", "past_time"),
        ("he was threatening me", "past_verb"),
        ("he keeps hitting me", "ongoing"),
        ("what can i do", "advice"),
        ("no one knows where he is", "present"),
    ],
)
def test_each_cue_is_raised_by_its_words(text, cue):
    assert cue in raised(text)


@pytest.mark.parametrize(
    "text",
    [
        "he was threatening to kill me when we were together",
        "The officer was hitting me with his baton even though I was already on the ground",
        "two officers were kicking me",
        "we were being followed last year",
        "i was raped at uni in 2009",
    ],
)
def test_stories_of_the_past_look_back(text):
    assert looks_back(text)


@pytest.mark.parametrize(
    "text",
    [
        "i cant find my 4 year old, we were in the park 5 minutes ago and hes gone",
        "he hit me last year and now hes outside",
        "my partner keeps hitting me what can i do",
        "big fight outside, one lad on the floor getting kicked in the head",
        "someones been grabbed off the street and put in a van",
        "my daughter hasnt come home and she is not answering",
    ],
)
def test_now_or_recent_does_not_look_back(text):
    assert not looks_back(text)


def test_the_vector_has_one_zero_or_one_per_cue():
    vector = cue_vector("he was hitting me last week, what can i do")
    assert len(vector) == len(NAMES) and set(vector) <= {0.0, 1.0}
    assert vector[NAMES.index("advice")] == 1.0 and vector[NAMES.index("now")] == 0.0
