"""The safety net must catch clear danger phrases and leave ordinary questions to the classifier."""

import pytest

from rasa_addons.safety_net import detect_danger

DANGER = [
    "someone is breaking into my house right now",
    "there's a burglar in my house",
    "theres someone in my house",
    "someones in my house i can hear them downstairs",
    "help someone is attacking me",
    "my partner is hitting me",
    "hes hitting me again",
    "my ex is outside banging on the door",
    "he's here now and i'm scared",
    "there is a man with a gun outside",
    "a guy waving a knife in the high street",
    "someone has a knife",
    "my neighbour is being beaten up",
    "a woman is being attacked in the street",
    "i'm being followed",
    "someone is following me home",
    "he's threatening to kill me",
    "he said he is going to kill me",
    "i've just been stabbed",
    "my friend has been shot",
    "my child is missing",
    "my daughter hasn't come home and she's not answering",
    "my 15 year old sons gone missing",
    "i cant find my little boy in the shopping centre",
    "the house next door is on fire",
    "there's a fire in the flats",
    "i want to kill myself",
    "i'm going to end my life tonight",
    "i feel suicidal",
    "my dad is not breathing",
    "we need an ambulance",
    "i'm in danger",
    "I AM IN DANGER PLEASE",
    "I don’t feel safe he’s here",
    "its an emergency",
    "emergency",
    "help!!",
    "sos",
    "there's a fight happening outside my house",
    "a burglary is happening right now next door",
    "he's locked me in the bedroom",
    "he won't let me leave the house",
    "someone is trying to get in my door",
    "somebody is kicking my door in",
    "someone got badly hurt outside the pub",
    "they threatened to stab my son",
    "i was attacked last week and he's outside again now",
]

ORDINARY = [
    "how do i report a burglary that happened last week",
    "what is beacon",
    "I want to complain about an officer",
    "help",
    "hello",
    "how do i report a crime",
    "someone broke into my shed last week, what do i do",
    "my car was broken into yesterday and i need a crime number",
    "i was burgled a month ago and i still can't sleep, can anyone help",
    "i lost my phone on the bus",
    "my wallet is missing",
    "my dog has gone missing",
    "i was scammed out of 500 pounds online",
    "what are beacon's opening hours",
    "how do i complain about the chief constable",
    "the kids on my estate keep kicking a ball against my wall every evening",
    "what does the police and crime commissioner do",
    "i want to volunteer as a special constable",
    "my neighbour plays loud music all night",
    "how do i find my local policing team",
    "my son is in the garden",
    "can i track my crime online",
    "i want to report a break in at my shop from last weekend",
    "what happens when i call beacon",
    "is the fire and rescue service run by the commissioner",
    "the police are following up my case, any update",
    "i need help with fraud",
    "how do i report domestic abuse",
    "my car is not safe to drive after the crash",
    "someone was stabbed in my town years ago, how is knife crime tackled",
]


@pytest.mark.parametrize("text", DANGER)
def test_clear_danger_is_caught(text: str) -> None:
    assert detect_danger(text) is not None


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_are_left_alone(text: str) -> None:
    assert detect_danger(text) is None


def test_returns_the_matched_phrase() -> None:
    assert detect_danger("Someone is breaking into my house") == "breaking into"


@pytest.mark.parametrize("text", ["", "   ", "???"])
def test_empty_or_punctuation_only_is_not_danger(text: str) -> None:
    assert detect_danger(text) is None
