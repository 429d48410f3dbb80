"""The deterministic net: the few phrases that always mean "danger now, call 999", whatever the model says.

The risk classifier (rasa_addons/risk_classifier.py) decides most messages; a statistical model can still
miss a clear emergency written in an unusual way, so these narrow patterns guarantee the 999 message for
the clearest ones. They are deliberately narrow and never fire:
- on the past or a story about it ("he was hitting me", "the officer said I was resisting"), unless the
  message also says it is happening now ("he hit me and he's still outside");
- on someone saying they will NOT do something ("I don't want to hurt myself"), or on things, not people
  ("my son's phone is missing", "my daughter keeps missing school"), or idioms and safety questions
  ("killing time", "what do I do if there is a fire", "fire drill").
Pure stdlib, so it runs in the Rasa environment and is unit tested from either.
"""

from __future__ import annotations

import re

from rasa_addons.risk_cues import looks_back, normalise

# People whose disappearance this minute is an emergency (phones, pets and property are not).
_PERSON = (
    r"(?:child|children|son|daughter|kid|kids|baby|toddler|little boy|little girl|boy|girl|mum|mom|dad|"
    r"husband|wife|partner|brother|sister|nan|gran|grandma|grandad|grandson|granddaughter|niece|nephew|"
    r"\d{1,2} ?(?:year|yr)s? old)"
)
_SUBJECT = (
    r"(?:someone|somebody|a man|a woman|a guy|a bloke|a lad|men|people|he|she|they|my (?:ex|partner|husband|"
    r"wife|boyfriend|girlfriend|bf|gf|dad|mum|stepdad|son|brother|neighbour))"
)
_IS = r"(?:is|are|'s|'re|s|re)"  # after a subject: "he's", "hes", "they're", "someone is"
_VICTIM = r"(?:me|her|him|them|us|my \w+|a (?:woman|man|girl|boy|child|kid|lad))"
_ATTACK = r"(?:attacking|hitting|beating|punching|kicking|stabbing|strangling|choking|raping|battering|throttling)"
_WEAPON = r"(?:knife|gun|machete|blade|axe|shotgun|firearm|pistol)"
# A "not" reaches at most three words on, and never past the start of another clause: a joining word or a new
# subject ("i'm not sure but he's hitting me", "don't hang up he's got a knife" are danger, not denials).
_CLAUSE = r"(?:but|and|so|because|cos|coz|cause|then|now|please|help|he|she|they|someone|somebody|i)"
_NEGATED = re.compile(
    rf"\b(?:don'?t|do not|never|not|wouldn'?t|won'?t|no plans? to)\b(?:\s+(?!{_CLAUSE}\b)\w+){{0,3}}\s*$"
)

# Urgent however it is worded, unless negated ("I don't want to kill myself") or clearly about the past.
ALWAYS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b(?:going to|gonna|about to|want to|wanna|will) (?:kill|hang|end) my ?self\b",
        r"\b(?:going to|gonna|about to|want to) (?:end|take) (?:my|it all|my own) ?(?:life|lives)?\b",
        r"\bi'?m (?:going to|gonna|about to) (?:end it|jump|take (?:them|the pills|the tablets))\b",
        r"\b(?:i'?ve|i have|just) (?:taken|took|swallowed) (?:an overdose|all (?:my|the|of my) (?:pills|tablets))\b",
        # A stock of medication set out, with taking it or a time to do so ("my meds lined up, taking them after
        # this"): a plan, which a hand test found the model giving "Did you mean" rather than 999.
        r"\b(?:pills|tablets|meds|medication|painkillers)\b[^.?!]{0,40}\b(?:lined up|counted out|saved up)\b"
        r"[^?]{0,60}\b(?:taking|take|swallow|swallowing|tonight|after this)\b",
        r"\b(?:going to|gonna|about to|i'?ll|will) (?:take|swallow|neck) (?:all (?:my|of my|the) |the lot of (?:my )?)"
        r"(?:pills|tablets|meds|medication)\b",
        r"\b(?:is|are|isn'?t|he'?s|she'?s|not|stopped) (?:not )?breathing\b|\bcan'?t breathe\b",
        r"\b(?:need|send|call) (?:an |the )?ambulance\b",
        r"\b(?:i am|i'?m|we are|we're) in (?:immediate |serious |real )?danger\b",
        r"\b(?:it'?s|this is) an emergency\b",
    )
)

# Events happening now.
NOW: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        rf"\b{_SUBJECT} ?{_IS} (?:still |now |just |literally |actually |really )?{_ATTACK} {_VICTIM}\b",
        r"\b(?:i'?m|i am|she'?s|she is|he'?s|he is|we're|we are) being (?:attacked|beaten|stabbed|raped|"
        r"strangled|choked|kidnapped|abducted|followed|chased)\b",
        rf"(?:\bhas|\bhave|'s got|(?<=\w)s got|'ve got|(?<=\w)ve got|\bis waving|\bis pointing|\bis holding|\bwaving|"
        rf"\bpointing) (?:a |an |his |her )?{_WEAPON}s?\b",
        r"\b(?:breaking|kicking|smashing|forcing) (?:in|down|(?:my|the|our) (?:front |back )?(?:door|window))\b",
        r"\b(?:is|are|'s|'re|s|re) (?:breaking|trying to break|trying to get|climbing) in(?:to)? (?:my|our|the) "
        r"(?:house|home|flat|window|back door|front door)\b",
        r"\b(?:my|our|the|next door'?s?) (?:house|home|flat|kitchen|building)(?: next door)? (?:is|'s) on fire\b",
        rf"\b(?:my|our) (?:little |young )?{_PERSON} (?:is|has gone|'s gone|went) missing\b",
        rf"\b{_SUBJECT} ?{_IS} threatening to (?:kill|stab|shoot) (?:me|us|her|him)\b",
        r"\b(?:there'?s|there is) (?:someone|somebody|a man|an intruder|a burglar) (?:in|inside) (?:my|the|our) "
        r"(?:house|home|flat)\b",
        rf"\b(?:can'?t|cannot) find (?:my|our) (?:little |young )?{_PERSON}\b",
        r"\b(?:house|flat|home|car|building|kitchen) (?:is |'s )?on fire\b.*\b(?:inside|trapped|in there|still in)\b",
        r"\b(?:trapped|stuck) (?:in|inside) (?:a |the |my )?(?:fire|burning)\b",
        r"\b(?:threatening|going|gonna|says he'?ll|says she'?ll) (?:to )?(?:kill|stab|shoot) (?:me|us|her|him)\b"
        r".*\b(?:now|outside|here|at the door|on his way|on her way)\b",
    )
)

# A message that is nothing but a cry for help ("help!!", "emergency", "sos"); a bare "help" without "!" is
# left to the classifier, as it usually means "what can you do?".
_BARE_CRY = re.compile(
    r"\W*(?:(?:please )?help(?: me)?(?: please)? ?!+|help(?: help)+\W*|help me please\W*|please help me\W*|"
    r"emergency(?: please| now| help)?\W*|emergancy\W*|sos\W*|999\W*|911\W*)"
)


def detect_danger(text: str) -> str | None:
    """The danger phrase found in the text, or None; narrow on purpose (see the module docstring)."""
    clean = normalise(text)
    if _BARE_CRY.fullmatch(clean):
        return clean
    if looks_back(clean):
        return None  # a story about the past: the risk classifier decides, with a much higher bar
    for pattern in (*ALWAYS, *NOW):
        for found in pattern.finditer(clean):
            if not _NEGATED.search(clean[: found.start()]):
                return found.group(0)
    return None
