"""A deterministic safety net: phrases that always mean "danger now, call 999".

The intent classifier catches most emergencies, but a statistical model can miss a clear one
(an unusual word order, a typo it has not seen). These patterns guarantee the 999 message for
the clearest danger phrases. They are deliberately narrow: a false alarm on an ordinary question
("how do I report a burglary that happened last week") would push a resident towards 999 wrongly.

Two tiers:
- ALWAYS: words that are urgent whenever they are said (suicide, not breathing, "I'm in danger").
- NOW: events that are urgent when happening now ("someone is breaking in"), ignored when the
  message clearly talks about the past ("last week", "yesterday") and says nothing like "now".
Pure stdlib, so it runs in the Rasa venv and is unit tested from either venv.
"""

from __future__ import annotations

import re

# People whose disappearance is an emergency (pets and property are not).
_PERSON = (
    r"(?:child|children|son|daughter|kid|kids|baby|toddler|boy|girl|mum|mam|mom|dad|husband|wife|"
    r"partner|friend|brother|sister|nan|nana|gran|grandma|grandad|grandmother|grandfather|"
    r"grandson|granddaughter|niece|nephew|teenager|teen|mother|father|relative)"
)
_WEAPON = (
    r"(?:knife|knives|gun|guns|machete|blade|firearm|shotgun|rifle|pistol|weapon|axe|crossbow|baseball bat|"
    r"crowbar)"
)
# Who might be inside a home uninvited (not "my son is in the garden").
_INTRUDER = (
    r"(?:someone|somebody|some one|a man|a woman|a guy|men|people|a gang|an intruder|intruders?|"
    r"burglars?|a burglar|robbers?|strangers?|a stranger|my ex|theres someone|there is someone)"
)
_SUBJECT = (
    r"(?:someone|somebody|a man|a woman|a guy|a lad|a person|people|he|she|they|my (?:ex|partner|"
    r"husband|wife|boyfriend|girlfriend|neighbour|dad|mum|son|daughter|friend|brother|sister))"
)
# "is" also as the "s" left of "someone's" once apostrophes are stripped ("someones attacking me").
_IS = r"(?:\bis|\bare|\bkeeps|\bhas been|\bhave been|(?<=\w)s|(?<=\w)re)"
_VICTIM = r"(?:me|her|him|them|us|someone|somebody|a (?:man|woman|boy|girl|child|kid|lad|person)|my \w+)"
_VIOLENT_ING = (
    r"(?:attacking|hitting|beating|punching|kicking|stabbing|strangling|choking|raping|hurting|"
    r"assaulting|battering|slapping|throttling|shooting|dragging|kidnapping|abducting|grabbing|mugging|robbing|"
    r"burgling)"
)
_PURSUIT_ING = r"(?:following|chasing|stalking|threatening)"

ALWAYS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)  # patterns are written lower-case, without apostrophes
    for p in (
        # Suicide and self-harm: urgent however it is phrased.
        r"\b(?:kill|killing|hurt|hurting|harm|harming|hang|hanging) my ?self\b",
        r"\b(?:end|ending|take|taking) my (?:own )?life\b",
        r"\bsuicid(?:e|al)\b",
        r"\b(?:want|going|gonna|about) to die\b|\b(?:dont|do not) want to (?:be alive|live)\b",
        r"\b(?:going to|gonna|about to|threatening to|says (?:she|he)s going to|wants to) "
        r"(?:jump|hurt (?:her|him|my|them)"
        r"sel(?:f|ves)|kill (?:her|him|them)sel(?:f|ves))\b",
        r"\b(?:take|taking|swallow|swallowing|swallowed|taken) (?:all )?(?:of )?(?:my |the |his |her )?"
        r"(?:tablets|pills)\b",
        r"\b(?:taken|took|had) an overdose\b|\boverdos(?:ed|ing)\b",
        # Medical danger.
        r"\b(?:not|isnt|is not|arent|stopped) breathing\b|\bcant breathe\b|\bdrowning\b|\bunconscious\b|"
        r"\bbleeding (?:badly|a lot|heavily|out)\b",
        r"\b(?:need|call|send|get) (?:me )?(?:an |the )?ambulance\b",
        r"\bcollapsed\b|\bunresponsive\b|\b(?:isnt|is not|not) (?:moving|responding)\b|\b(?:wont|will not|cant) wake\b",
        r"\bscreaming for help\b|\bpetrol bombs?\b|\bmolotov\b",
        # Explicit statements of danger or of an emergency.
        rf"\b(?:i am|im|we are|were|she is|shes|he is|hes|they are|theyre|someone is|somebody is|"
        rf"my {_PERSON}s? (?:is|are)) (?:in (?:immediate |serious |real )?danger|not safe)\b",
        r"\b(?:dont|do not) feel safe (?:at home|in my (?:home|house|flat)|here|with (?:him|her|them)|"
        r"right now|now|hes|shes|theyre)",
        r"\b(?:scared|afraid|terrified|fear|fearing) for (?:my|her|his|their|our) (?:life|lives|safety)\b",
        r"\b(?:its|it is|this is) an? (?:emergency|emergancy|emergeny)\b",
        r"\b(?:send|need) (?:the )?(?:police|someone|help|officers?) (?:now|quick|quickly|urgently|asap|right now)\b",
        r"\b(?:call|get|send) (?:the )?police\b(?: \w+){0,4} (?:now|quick|quickly|asap|urgently)\b",
        r"\bplease (?:help|hurry|come)\b.*\b(?:now|quick|hurry)\b",
        r"\b(?:hes|shes|theyre|he is|she is|they are|my ex is|my exs) (?:here|outside|at (?:my|the) "
        r"(?:door|window|house)|back) (?:now|again|right now)\b",
    )
)

NOW: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)  # patterns are written lower-case, without apostrophes
    for p in (
        # Violence against a person, in progress.
        rf"{_IS} (?:being )?{_VIOLENT_ING} {_VICTIM}\b",
        rf"{_IS} (?:being )?{_PURSUIT_ING} (?:me|her|him|us|them)\b",
        r"\b(?:im|i am|shes|she is|hes|he is|theyre|they are|were|we are|someone is|"
        r"somebody is|a (?:man|woman|girl|boy|child|lad) is) being (?:attacked|beaten|hit|stabbed|raped|"
        r"assaulted|followed|chased|stalked|robbed|mugged|kidnapped|abducted|threatened|held|strangled|"
        r"choked|shot)\b",
        # "got beaten up" alone is usually a past assault (a hate crime last week): left to the classifier.
        r"\bbeating (?:me |her |him |them |someone |somebody |us )?up\b|\b(?:is|are|being) beaten up\b",
        # Threats to life.
        r"\bthreat(?:en|ened|ening|ens)? to (?:kill|stab|shoot|hurt|harm|burn|murder)\b",
        r"\b(?:going|gonna|trying|about|says hell|says shell|said hed|said he would) to "
        r"(?:kill|stab|shoot|murder|hurt) (?:me|her|him|us|them|my|someone|the (?:baby|kids|children))\b",
        rf"\b(?:trying to|just) (?:drag|grab|snatch|take|kidnap|abduct|grabbed|snatched|took|dragged) "
        rf"(?:a |the |my )?(?:little |young |small )?(?:{_PERSON}|kid|woman|man|me|her|him)\b",
        r"\b(?:hell|shell|theyll|he will|she will|they will) (?:kill|shoot|stab) (?:me|her|him|us|them)\b",
        # Weapons.
        rf"\b(?:has|have|got|with|waving|pointing|holding|carrying|pulled|pulled out|brandishing) "
        rf"(?:a |an |his |her |their )?{_WEAPON}s?\b",
        r"\b(?:been|got|just|being|was just|is) (?:stabbed|shot)\b|\bat (?:knife|gun) ?point\b",
        r"\bfight(?:ing)? with (?:bottles|knives|weapons|bats|machetes|a knife|a bottle)\b",
        # Break-ins and intruders, now.
        r"\b(?:breaking|kicking|smashing|bashing|forcing) (?:in|into|down|(?:my|the|our) (?:front |back )?"
        r"(?:door|window))\b",
        r"\btrying to (?:get|break|climb|force (?:their|his|her) way|kick the door|smash) (?:in|into|down|through)\b",
        r"\b(?:trying to|going to|about to) (?:kick|smash|break|force|bash) (?:my|the|our) (?:front |back )?"
        r"(?:door|window)s? (?:in|down|open)\b",
        r"\b(?:theres|there is) (?:someone|somebody|a man|people|a burglar|an intruder|a stranger) "
        r"(?:downstairs|upstairs|in the house|in the garden)\b",
        r"\bbanging on (?:my|the|our) (?:front |back )?(?:door|window)s?\b",
        rf"\b{_INTRUDER}(?: ?{_IS})? (?:in|inside|downstairs in|upstairs in) (?:my|our|the) "
        rf"(?:house|home|flat|room|bedroom|kitchen|shed|garage|loft|garden|back garden|yard)\b",
        r"\b(?:theres|there is) (?:a |an )?(?:intruder|burglar|stranger) (?:in|inside)\b",
        # Fire.
        r"\b(?:is|are|s) on fire\b|\b(?:theres|there is) (?:a )?fire\b|\bset (?:fire|light) to\b",
        r"\bfire (?:in|at) (?:my|our|the|next door|a) \w+",
        # Missing people.
        rf"\b{_PERSON}s?(?: ?{_IS}| has gone| have gone| went| gone| is still)? (?:\w+ )?missing\b",
        rf"\b(?:cant|cannot|can not) find (?:my|our) (?:\w+ )?{_PERSON}\b",
        rf"\bmissing (?:child|person|people|{_PERSON})\b",
        rf"\b{_PERSON} (?:hasnt|has not|didnt|did not) (?:come|came|got|returned) (?:home|back)\b",
        # Crimes happening now and people hurt.
        r"\b(?:crime|burglary|robbery|fight|attack|break in|break-in|assault|mugging|riot|stabbing)s? "
        r"(?:is |are )?(?:happening|in progress|going on|taking place|kicking off)\b",
        r"\b(?:fight|fighting|brawl|riot) (?:outside|in the street|in the road|happening|going on)\b",
        rf"\b{_SUBJECT}(?: ?{_IS}| got) (?:badly |seriously |really )?(?:hurt|injured)\b",
        r"\b(?:kidnapped|abducted|hostage)\b|\bbeing dragged\b",
        r"\b(?:people|someone|somebody|kids|children|he|she|they)(?: is| are|s)? trapped\b",
        r"\b(?:filling|filled|full) (?:up )?(?:with|of) smoke\b|\bsmoke (?:coming|pouring|everywhere)\b|"
        r"\bsmell (?:of )?(?:smoke|burning|gas)\b",
        r"\bran (?:someone|somebody|a \w+|him|her) over\b",
        r"\b(?:wont|will not|isnt|is not) let(?:ting)? (?:me|us|her|him) (?:leave|out|go)\b",
        r"\blocked (?:me|us|her|him) in\b",
        # Someone hurt on the road, a dangerous driver now.
        r"\b(?:been |just been |got |just got )?(?:hit|knocked (?:down|over)) by a (?:car|van|bus|lorry|vehicle)\b",
        r"\blying (?:in|on) the (?:road|street|pavement|ground)\b",
        r"\bwrong (?:side|way) (?:of|on|down|up) the (?:motorway|road|dual carriageway|[am]\d+)\b",
        r"\bdrunk\b.*\b(?:just )?(?:got|getting) (?:in|into) (?:his|her|their|a|the) (?:car|van|lorry)\b",
        r"\b(?:been|keeps|kept) (?:following|chasing) (?:me|us)\b",
        r"\b(?:theres|there has|there have) been an? (?:shooting|stabbing|explosion)\b",
        r"\bexposing (?:him|her)self\b",
        r"\b(?:robbing|burgling|breaking into|raiding) (?:the|a|my|our) \w+ (?:right now|now|as we speak)\b",
        r"\bcant get out\b.*\blocked\b|\blocked\b.*\bcant get out\b",
        rf"\b(?:{_PERSON}s?|\d+ ?(?:year|yr) old) (?:has|have) been gone (?:since|for|all)\b",
        # Hiding from someone: the person is in danger where they are.
        r"\b(?:im|i am|were|we are|shes|she is|hes|he is) hiding(?:$|[.!,]| (?:in|from|under|behind|upstairs|"
        r"downstairs|and)\b)",
        # A crime that has just happened, the offender still near: police respond as to one in progress.
        r"\bjust (?:been |got |was )?(?:mugged|robbed|attacked|assaulted|stabbed|beaten up|jumped)\b",
        r"\b(?:theyre|they are|hes|he is|shes|she is) still (?:here|there|outside|nearby|around|in the \w+|running)\b",
        # A drink- or drug-driver on the road now.
        r"\b(?:drunk|drink|drugged|drug) driv(?:er|ing)\b.*\b(?:swerving|right now|now|on the (?:road|[am]\d+))\b",
        r"\bswerving (?:all over|across|about|around)\b",
        # A vulnerable person or child whose whereabouts nobody knows.
        r"\b(?:no ?one|nobody) knows where (?:he|she|they) (?:is|are|has gone|went)\b",
        r"\b(?:dementia|alzheimers|vulnerable|elderly)\b.*\b(?:wandered off|missing|disappeared|walked off)\b",
        r"\b(?:wandered off|walked out) (?:from|of) (?:the |a |his |her )?(?:care home|hospital|ward|nursing home)\b",
        # Violence against the door of someone's home while they are inside.
        r"\b(?:smashed|smashing|kicked|kicking|broke|broken) (?:down |in )?(?:the|my|our) (?:front |back )?door\b.*"
        r"\b(?:screaming|shouting|yelling) at (?:me|us)\b",
    )
)

# Talk clearly about the past, and the NOW patterns do not fire...
_PAST = re.compile(
    r"\b(?:last (?:night|week|weekend|month|year|time|summer|winter|christmas)|yesterday|ago|"
    r"the other (?:day|night|week)|earlier this (?:week|month|year)|in (?:19|20)\d\d|"
    r"years? back|happened|was reported|i reported|already reported|crime (?:number|reference))\b"
)
# ...unless something says it is still going on.
_PRESENT = re.compile(
    r"\b(?:now|right now|at the moment|atm|currently|tonight|this minute|outside|here|"
    r"help me|please help|hurry)\b"
)


# A message that is nothing but a cry for help ("help!!", "emergency", "sos"); a bare "help"
# without "!" is left to the classifier, as it usually means "what can you do?".
_BARE_CRY = re.compile(
    r"\W*(?:(?:please )?help(?: me)?(?: please)? ?!+|help(?: help)+\W*|help me please\W*|please help me\W*|"
    r"emergency(?: please| now| help)?\W*|emergancy\W*|sos\W*|999\W*|911\W*)"
)


def _normalise(text: str) -> str:
    """Lower-case, drop apostrophes (typed or not) and squeeze spaces so the patterns stay simple."""
    text = re.sub(r"['\u2018\u2019`]", "", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def detect_danger(text: str) -> str | None:
    """Return the danger phrase found in `text`, or None if it has none."""
    if not text:
        return None
    clean = _normalise(text)
    if _BARE_CRY.fullmatch(clean):
        return clean
    for pattern in ALWAYS:
        if found := pattern.search(clean):
            return found.group(0)
    about_the_past = _PAST.search(clean) is not None and _PRESENT.search(clean) is None
    if about_the_past:
        return None
    for pattern in NOW:
        if found := pattern.search(clean):
            return found.group(0)
    return None
