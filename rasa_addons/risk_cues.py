"""Time and context cues that tell danger happening now from harm in the past: a few readable regexes.

The sentence encoder knows what a message is about, but hardly its tense: "he is hitting me" and "he was
hitting me" embed almost alike. These cues give the risk classifier (rasa_addons/risk_classifier.py) the
missing signal, each as one feature: is something happening now ("right now", "outside my door", "is
kicking the door in"), does the message look back ("last week", "was", "years ago", "when we were
together"), does it describe something that keeps happening ("keeps", "for months"), or ask for advice
("what can I do", "can I still report"). Pure stdlib, so it is unit tested from either environment.
"""

from __future__ import annotations

import re
import unicodedata

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thurs?|fri|sat|sun)"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
_VIOLENT_ING = (
    r"(?:attacking|hitting|beating|punching|kicking|stabbing|strangling|choking|raping|hurting|assaulting|battering|"
    r"slapping|throttling|shooting|dragging|grabbing|threatening|chasing|following|smashing|banging|hammering|"
    r"breaking|forcing|trying|waving|pointing|holding|screaming|shouting|fighting|bleeding|burning|drowning|"
    r"choking|dying|swerving|weaving|coming|climbing|kicking off)"
)

# Each cue: a name and the pattern that raises it (on normalised text: lower case, straight apostrophes).
CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        # Now: explicit time words, and a present progressive of a violent or urgent verb.
        ("now", r"\b(?:right now|now|at the moment|atm|as we speak|currently|this minute|this second|"
                r"at this moment|as i type|as i write|tonight|this very)\b"),
        ("progressive", rf"\b(?:is|are|am|i'?m|he'?s|she'?s|they'?re|we're|we are|it'?s|someone'?s|somebody'?s|"
                        rf"there'?s) (?:\w+ )?(?:{_VIOLENT_ING}|being \w+)\b|"
                        r"\bgetting (?:\w+ed|hit|beaten|stabbed|shot)\b"),
        ("still_there", r"\b(?:still|back|again) (?:here|there|outside|inside|in (?:the|my|our)|at (?:the|my|our)|"
                        r"around|nearby|\w+ing)\b|"
                        r"\b(?:he'?s|she'?s|they'?re|he is|she is|they are) (?:here|outside|inside|downstairs|"
                        r"upstairs|at (?:the|my) (?:door|window))\b"),
        ("just_happened", r"\bjust (?:been|got|now|had|smashed|stabbed|shot|hit|grabbed|snatched|took|taken|"
                          r"dragged|attacked|collapsed|sent|broke|broken|kicked|pushed|seen|saw|heard|knocked|"
                          r"driven|drove|let|messaged|texted|rang|called)\b"),
        ("urgent_plea", r"\b(?:help me|please help|pls help|plz help|help us|send (?:someone|somebody|help|police|"
                        r"an ambulance|officers)|come (?:quick|quickly|now|asap)|hurry|please come|quick(?:ly)?)\b"),
        ("here_place", r"\b(?:in|inside|outside|at) (?:my|our|the) (?:house|home|flat|door|front door|back door|"
                       r"window|garden|bedroom|kitchen|room|car)\b|\b(?:downstairs|upstairs)\b"),
        # The past: time words, past-tense verbs, looking back over a life.
        # Minutes ago is now: a child missing for ten minutes, a driver who just went past.
        ("recent", r"\b(?:\d+|a few|few|a couple of|couple of|five|ten|fifteen|twenty|thirty) ?(?:min|mins|minutes|"
                   r"secs|seconds)\b|\b(?:an|half an) hour ago\b|\bjust now\b|\bmoments? ago\b"),
        # The past: time words, past-tense verbs, looking back over a life.
        ("past_time", rf"\b(?:last (?:night|week|weekend|month|year|time|summer|winter|spring|autumn|christmas|"
                      rf"{_WEEKDAY})|yesterday|(?:days?|weeks?|months?|years?|ages) ago|the other (?:day|night|week)|"
                      rf"earlier (?:today|this)|back in|in (?:19|20)\d\d|in {_MONTH}|on {_WEEKDAY}|that (?:night|day|"
                      rf"time)|at the time|when (?:i|we) (?:was|were|lived)|as a (?:child|kid|teenager)|when i was "
                      rf"(?:a |little|young|\d)|for (?:years|months|weeks)|years later|used to|since (?:then|it|the|"
                      rf"my|we|i|he|she|last))\b"),
        ("past_verb", r"\b(?:was|were|wasn'?t|weren'?t|had|did|didn'?t|went|came|took|said|told|threw|hit me|"
                      r"grabbed|pushed|punched|kicked|slapped|stabbed|attacked|assaulted|raped|abused|touched|"
                      r"followed|threatened|strangled|choked|dragged|arrested|searched|stopped|broke|"
                      r"happened|reported|called|rang|saw|heard|knocked|tasered|sprayed|handcuffed|cuffed)\b"),
        # Present tense, which a story about the past seldom uses ("no one knows where he is").
        # "we're" only with its apostrophe: typed without one it is "were", the past.
        ("present", r"\b(?:is|are|am|i'?m|he'?s|she'?s|they'?re|we're|there'?s|theres|isn'?t|aren'?t|can|can'?t|"
                    r"cant|won'?t|wont|knows|has|have|hasn'?t|hasnt|haven'?t|havent|'s got|'ve)\b|\b\w+'?s been\b"),
        ("ongoing", r"\b(?:keeps|kept|keep|always|every (?:day|night|time|week|month)|for (?:weeks|months|years|ages)|"
                    r"a (?:few|couple of) times|sometimes|often|constantly|on and off|all the time|again and again|"
                    r"since we|since i)\b"),
        ("advice", r"\b(?:what (?:can|should|do) i do|who (?:can|do|should) i (?:talk|speak|contact|call|tell)|"
                   r"is it worth|can i (?:still )?report|how (?:do|can) i|should i|where (?:can|do) i|"
                   r"is (?:that|this|it) (?:normal|abuse|rape|a crime|assault|stalking|harassment)|"
                   r"any (?:advice|help|support)|what are my options|is there (?:any|anyone|someone|support)|"
                   r"can (?:you|someone|anyone) (?:help|advise)|too late)\b"),
    )
)
NAMES: tuple[str, ...] = tuple(name for name, _ in CUES)


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces, no accents, nothing invisible (zero-width, soft hyphen)."""
    text = unicodedata.normalize("NFKD", text or "")
    # Format characters show as nothing: "kn\u200bife" is "knife" to the reader, so it is to the patterns.
    text = "".join(char for char in text if not unicodedata.combining(char) and unicodedata.category(char) != "Cf")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").lower()
    return " ".join(text.split())


def cues(text: str) -> dict[str, bool]:
    """Which cues the text raises."""
    clean = normalise(text)
    return {name: pattern.search(clean) is not None for name, pattern in CUES}


def cue_vector(text: str) -> list[float]:
    """The cues as 0/1 features, in the order of NAMES."""
    raised = cues(text)
    return [1.0 if raised[name] else 0.0 for name in NAMES]


def looks_back(text: str) -> bool:
    """The message talks about the past and says nothing of now: a narrative, not an emergency.

    A time in the past ("last week", "when we were together") or past-tense verbs, with no present tense at
    all and no sign of now ("right now", "still outside", "just", "10 minutes ago", "is hitting").
    """
    raised = cues(text)
    now = ("now", "still_there", "just_happened", "urgent_plea", "recent", "progressive", "present")
    if any(raised[name] for name in now):
        return False
    return raised["past_time"] or raised["past_verb"]
