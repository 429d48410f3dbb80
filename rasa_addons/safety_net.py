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

from rasa_addons.risk_cues import cues, looks_back, normalise

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
# "my" + a person, not what is said about one ("attacking my character", "my reputation").
_VICTIM = (
    r"(?:me|her|him|them|us|my (?!(?:character|reputation|name|business|work|posts?|page|profile|views?|ideas?|"
    r"beliefs?|religion)\b)\w+|a (?:woman|man|girl|boy|child|kid|lad))"
)
# Words, not blows: "he's attacking me online".
_NOT_BODILY = r"(?! online\b| on (?:social media|facebook|instagram|twitter|tiktok|snapchat|whatsapp)\b| verbally\b)"
_ATTACK = r"(?:attacking|hitting|beating|punching|kicking|stabbing|strangling|choking|raping|battering|throttling)"
_WEAPON = r"(?:knife|gun|machete|blade|axe|shotgun|firearm|pistol)"
# A weapon that is a thing someone has, not one held at anyone ("a gun licence", "a knife crime conviction").
_NOT_HELD = (
    r"(?![\s-]*(?:licen[cs]es?|certificates?|crimes?|collection|permits?|amnesty|convictions?|club|shop|shaped)\b)"
)
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
        # "life" is needed: "i want to take my complaint further", "end my tenancy" are no danger.
        r"\b(?:going to|gonna|about to|want to) (?:(?:end|take) my (?:own )?life\b(?! back\b| savings\b)|end it all\b)",
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
        r"\b(?:i am|i'?m|we are|we're) in (?:immediate |serious |real )?danger\b"
        r"(?! of (?!being\b|getting\b|dying\b|death\b|him\b|her\b|them\b|my life\b))",  # not "of losing my job"
        r"\b(?:it'?s|this is) an emergency\b(?! (?:appointment|vehicle|vehicles|dentist|vet|plumber|locksmith|"
        r"passport|visa|loan|repair|exit|brake|number|contact|services?|department|room|question|kit|fund)\b)",
    )
)

# Events happening now.
NOW: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        rf"\b{_SUBJECT} ?{_IS} (?:still |now |just |literally |actually |really )?{_ATTACK} {_VICTIM}\b{_NOT_BODILY}",
        r"\b(?:i'?m|i am|she'?s|she is|he'?s|he is|we're|we are) being (?:attacked|beaten|stabbed|raped|"
        r"strangled|choked|kidnapped|abducted|followed|chased)\b",
        rf"(?:\bhas|\bhave|'s got|(?<=\w)s got|'ve got|(?<=\w)ve got|\bis waving|\bis pointing|\bis holding|\bwaving|"
        rf"\bpointing) (?:a |an |his |her )?{_WEAPON}s?\b{_NOT_HELD}",
        r"\b(?:breaking|kicking|smashing|forcing) (?:in|down|(?:my|the|our) (?:front |back )?(?:door|window))\b",
        r"\b(?:is|are|'s|'re|s|re) (?:breaking|trying to break|trying to get|climbing) in(?:to)? (?:my|our|the) "
        r"(?:house|home|flat|window|back door|front door)\b",
        r"\b(?:my|our|the|next door'?s?) (?:house|home|flat|kitchen|building)(?: next door)? (?:is|'s) on fire\b",
        rf"\b(?:my|our) (?:little |young )?{_PERSON} (?:is|has gone|'s gone|went) missing\b"
        r"(?! (?:school|lessons?|class(?:es)?|college|work|nursery|his|her|their|my|your|our|the|a|an|out|you|him|"
        r"them|me|us|home|it|some|lots|meals|appointments|sleep)\b)",  # not "missing school", "missing his dad"
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


# A question about what to do if it happened ("what do i do if my child is missing"): the event in the next word or
# two after "if". Only for events (NOW), never for what someone says they will do to themselves (ALWAYS), and not
# when the message says it is happening now ("what do i do if he's hitting me right now, please help").
_CONDITIONAL = re.compile(r"\b(?:if|in case)\s+(?:\w+\s+)?$")
# What keeps happening ("kids keep kicking the door of our block") is no event this minute, unless the message
# says it is happening now or that the door is going in ("he keeps kicking my door in" stays danger); the risk
# classifier still reads it.
_HABITUAL = re.compile(r"\b(?:keeps?|kept|always|often|constantly|regularly)\s+$")
_GIVING_WAY = re.compile(r"\s+(?:in|down)\b")
# An animal is the vet's, not 999's ("my cat is not breathing", "the dog has stopped breathing"): only as the
# subject of the words that matched, so "the dog's owner has a knife" stays danger. No word that also names a
# person ("my bird" is a girlfriend, "my little lamb" a child).
_ANIMAL = re.compile(
    r"\b(?:cat|dog|puppy|kitten|rabbit|hamster|guinea pig|budgie|parrot|goldfish|horse|pony|tortoise|ferret|"
    r"sheep)s?\s+(?:has\s+|is\s+|just\s+)?$"
)
_NOW_CUES = ("now", "still_there", "just_happened", "urgent_plea", "recent")


def detect_danger(text: str) -> str | None:
    """The danger phrase found in the text, or None; narrow on purpose (see the module docstring)."""
    clean = normalise(text)
    if _BARE_CRY.fullmatch(clean):
        return clean
    if looks_back(clean):
        return None  # a story about the past: the risk classifier decides, with a much higher bar
    hypothetical = not any(raised for name, raised in cues(clean).items() if name in _NOW_CUES)
    for patterns, conditional in ((ALWAYS, False), (NOW, hypothetical)):
        for pattern in patterns:
            for found in pattern.finditer(clean):
                before = clean[: found.start()]
                if _NEGATED.search(before) or _ANIMAL.search(before):
                    continue
                habitual = _HABITUAL.search(before) and not _GIVING_WAY.match(clean, found.end())
                if conditional and (_CONDITIONAL.search(before) or habitual):
                    continue
                return found.group(0)
    return None
