"""The deterministic net: the unmistakable danger-now phrases, and never the past, a "no", a thing or an idiom.

The net is narrow on purpose: most danger now is recognised by the risk classifier (tested end to end on the
safety set in tests/safety/ and by `rasa test nlu` on the held-out emergencies). What it does catch, it must
catch every time; what it must never catch is the list issue 15 found wrongly blocked, and its like.
"""

import pytest

from rasa_addons.safety_net import detect_danger

ALWAYS_CAUGHT = [
    "there's a burglar in my house",
    "theres someone in my house",
    "someone is breaking into my house right now",
    "somebody is kicking my door in",
    "help someone is attacking me",
    "my partner is hitting me",
    "hes hitting me again",
    "hes still hitting me",
    "theyre beating him up outside the chip shop",
    "i'm being followed",
    "a guy waving a knife in the high street",
    "someone has a knife",
    "hes got a knife",
    "hes threatening to kill me",
    "i cant find my little boy in the shopping centre",
    "my child is missing",
    "my 5 year old has gone missing",
    "the house next door is on fire",
    "i want to kill myself",
    "i'm going to end my life tonight",
    "done with it all. got a months worth of my meds lined up, taking them after this",
    "my tablets are counted out on the table and im taking them tonight",
    "im gonna take all my meds when everyone is asleep",
    "my dad is not breathing",
    "my mum isnt breathing",
    "we need an ambulance",
    "i'm in danger",
    "I AM IN DANGER PLEASE",
    "its an emergency",
    "emergency",
    "emergency please",
    "help!!",
    "sos",
    # A "not" in another clause denies nothing.
    "i'm not sure but he's hitting me",
    "don't hang up he's got a knife",
    "i don't know what to do hes hitting me",
    "i'm not suicidal but i want to kill myself",
]

NEVER_CAUGHT = [
    # The messages issue 15 found blocked, and stories of the past.
    "my partner keeps hitting me what can i do",
    "he was threatening to kill me when we were together",
    "The officer was hitting me with his baton even though I was already on the ground",
    "two officers were kicking me",
    "my son's phone is missing",
    "my daughter keeps missing school",
    "what do I do if there is a fire",
    "we had a fire drill at work",
    "just killing time before my appointment",
    "two men threatened me with a knife and took my car in february",
    "my partner is disabled and i'm his carer but he's started hitting me with his walking stick",
    "we were being followed last year",
    "i was mugged at knifepoint in january",
    # Saying they will not.
    "i don't want to hurt myself but i can't go on like this",
    "i'm not going to kill myself, i just need to talk",
    "i would never take all my tablets, i just feel low",
    # Medication without a plan.
    "i had my meds lined up for the week and someone stole the box from my car",
    "can i bring my tablets to the police station",
    # Ordinary questions.
    "how do i report a burglary that happened last week",
    "what is beacon",
    "I want to complain about an officer",
    "help",
    "hello",
    "my wallet is missing",
    "our dog went missing",
    "my sister is going to murder me, i lost the crime ref",
    "how do i report domestic abuse",
    "",
    "   ",
    "???",
]


@pytest.mark.parametrize("text", ALWAYS_CAUGHT)
def test_unmistakable_danger_now_is_always_caught(text: str) -> None:
    assert detect_danger(text) is not None


@pytest.mark.parametrize("text", NEVER_CAUGHT)
def test_the_past_a_no_a_thing_or_an_idiom_is_never_caught(text: str) -> None:
    assert detect_danger(text) is None


def test_it_returns_the_matched_phrase() -> None:
    assert detect_danger("Someone is breaking into my house") == "is breaking into my house"


def test_the_s_of_was_is_not_an_is() -> None:
    # The bug issue 15 found: "was hitting" read as "'s hitting".
    assert detect_danger("he was hitting me") is None
    assert detect_danger("he's hitting me") is not None


def test_a_story_that_says_it_is_happening_now_is_caught() -> None:
    assert detect_danger("he hit me last year and now hes outside with a knife, hes got a knife") is not None


# "end my ..." / "take my ..." is danger only with "life": the word was optional, so a complaint's answer ("I want
# to take my complaint further") got the 999 message, and inside a form the question again, every time.
ORDINARY_WORDS_NEVER_CAUGHT = [
    "i want to take my complaint further",
    "i want to end my complaint",
    "i want to end my tenancy",
    "going to end my contract",
    "is there a shooting range near hertford, want to take my dad for his 60th",
    "i want to take my life back",
    "about to take my life savings out",
    # Things a person has, not a weapon held at someone.
    "my neighbour has a gun licence",
    "my husband has a shotgun certificate is that allowed",
    "he has a knife crime conviction",
    "brown leather, has a knife shaped keyring on the zip",
    # "in danger of" something that is no harm, an emergency that is a thing, missing something.
    "i'm in danger of losing my job",
    "it's an emergency appointment",
    "my child is missing school a lot",
    "my son is missing his dad",
    # A hypothetical question.
    "what do i do if my child is missing",
    "what should i do if someone has a knife",
    # Online, or words.
    "he's attacking me online",
    "she's attacking my character on facebook",
    # An animal is the vet's, and what keeps happening to a door is no event this minute.
    "my cat is not breathing",
    "my dog has stopped breathing what do i do",
    "our puppy can't breathe",
    "kids keep kicking the door of our block",
    "lads always smashing the window of the bus shelter",
]


@pytest.mark.parametrize("text", ORDINARY_WORDS_NEVER_CAUGHT)
def test_ordinary_words_near_a_danger_phrase_are_not_caught(text: str) -> None:
    assert detect_danger(text) is None


STILL_CAUGHT = [
    "i'm going to take my own life",
    "i want to end my life",
    "gonna end it all tonight",
    "i'm in danger of being killed",
    "i'm in danger, he's outside",
    "it's an emergency, he's got a knife",
    "my child is missing from the park",
    "my son is missing",
    "if you don't come now he's got a knife",
    "if anyone sees this my child is missing",
    "what do i do if he's hitting me right now",
    "what do i do if my child is missing, please help",
    "he has a knife in his hand",
    "he's attacking me on the stairs",
    # A person after an animal, an animal's owner, a door going in, or "now".
    "my son is not breathing, the dog bit him",
    "the dog's owner has a knife",
    "my bird isn't breathing",  # a girlfriend, in British slang
    "he keeps kicking my door in",
    "they keep kicking the door right now",
]


@pytest.mark.parametrize("text", STILL_CAUGHT)
def test_the_narrowed_phrases_still_catch_danger(text: str) -> None:
    assert detect_danger(text) is not None


# Characters that show as nothing (zero-width spaces and joiners, a soft hyphen) cannot hide a danger phrase.
INVISIBLE = [
    "he's got a kn\u200bife", "help\u200b!!", "i'm in dan\u00adger", "there's some\u2060one in my house", "\ufeffsos",
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_characters_do_not_hide_danger(text: str) -> None:
    assert detect_danger(text) is not None
