"""Triage of a complaint by the tests the law sets: pure functions, no I/O.

Every flag keeps the words that raised it, so the complaints team can see why (and overrule it): this is
an aid to the Complaint Resolution Team's assessment, not a decision. Schedule 3 is Schedule 3 of the Police
Reform Act 2002: a complaint must be recorded when the complainant wants it recorded, or when it alleges
death or serious injury, conduct that may be criminal or justify disciplinary proceedings, or a possible
breach of Article 2 (right to life) or 3 (torture, inhuman or degrading treatment) of the ECHR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

CATEGORIES: dict[str, str] = {
    "officer_conduct": "Conduct of an officer or member of police staff",
    "service_or_policy": "Police service or policy",
    "chief_constable": "The Chief Constable (handled by the Commissioner)",
    "commissioner": "The Commissioner (redirect to the Police and Crime Panel)",
    "not_police": "Not a police matter (signpost elsewhere)",
}

FLAGS: dict[str, str] = {
    "wants_recorded": "The complainant wants the complaint recorded",
    "death_or_serious_injury": "Alleges death or serious injury",
    "criminal_or_disciplinary": "Conduct that may be criminal or justify disciplinary proceedings",
    "echr_article_2_3": "Possible breach of Article 2 or 3 of the ECHR",
    "out_of_time": "More than 12 months since the incident",
    "risk": "Signs of risk to someone's safety",
    "vulnerability": "Signs of vulnerability or distress",
}
SCHEDULE_3_FLAGS = ("wants_recorded", "death_or_serious_injury", "criminal_or_disciplinary", "echr_article_2_3")

PRIORITIES: dict[int, str] = {1: "Urgent", 2: "High", 3: "Normal"}
Priority = Literal[1, 2, 3]
MAX_TRIGGERS = 5  # enough for staff to see why; the full text is on the ticket anyway


def _any(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")", re.IGNORECASE)


# A match is ignored when one of these comes just before it ("he didn't hit me", "no injuries").
_NEGATION = re.compile(r"\b(?:no|not|never|without|nobody|didn't|did not|wasn't|was not|n't)\s+(?:\w+\s+)?$", re.I)

_COMMISSIONER = _any(r"police and crime commissioner", r"the commissioner\b", r"\bpcc\b")
_CHIEF_CONSTABLE = _any(r"chief constable", r"chief of police", r"head of (?:the )?(?:herts |hertfordshire )?police")
_OFFICER = _any(
    r"officers?\b", r"pc\b", r"pcsos?\b", r"constables?\b", r"sergeant", r"sgt\b", r"inspector", r"detective",
    r"dc\b", r"policem[ae]n", r"policewom[ae]n", r"call handler", r"staff member", r"member of (?:police )?staff",
    r"collar number", r"badge number", r"shoulder number", r"cops?\b", r"arrested me", r"searched me",
)
_SERVICE = _any(
    r"never (?:came|turned up|arrived|called back|got back)", r"didn't (?:come|turn up|respond|call back|update)",
    r"no(?: ?one|body) (?:came|called|contacted|got back)", r"waited (?:for )?(?:hours|days|weeks)",
    r"101", r"response time", r"policy", r"procedure", r"not (?:been )?(?:updated|kept informed)",
    r"closed my (?:case|report)", r"lost my", r"took (?:too long|ages|weeks)", r"the service", r"investigation",
)
_POLICE = _any(
    r"police", r"constabulary", r"custody", r"arrest", r"station", r"999", r"crime report", r"my case",
    r"stop and search", r"stopped and searched",
)

_TRIGGERS: dict[str, re.Pattern[str]] = {
    "wants_recorded": _any(r"formal(?:ly)? (?:complaint|record)", r"record(?:ed)? (?:it )?formally", r"schedule 3"),
    "death_or_serious_injury": _any(
        r"died", r"death", r"killed", r"passed away", r"fatal", r"(?:broke|broken|fractured?) (?:my |his |her |their )?"
        r"(?:arm|leg|wrist|nose|jaw|ribs?|bones?|ankle|hand|finger|collarbone|skull|cheekbone)", r"fractured?",
        r"(?:taken|rushed|ended up|admitted) (?:to |in )(?:hospital|a ?& ?e)", r"a ?& ?e\b", r"hospital treatment",
        r"unconscious", r"knocked (?:me |him |her |them )?out", r"stitches", r"serious(?:ly)? (?:injur|hurt)",
        r"head injury", r"concussion", r"intensive care", r"surgery", r"internal bleeding",
        r"permanent(?:ly)? (?:damage|scar)",
    ),
    "criminal_or_disciplinary": _any(
        r"assault(?:ed)?", r"punch(?:ed)?", r"kick(?:ed)?", r"hit (?:me|him|her|them|my)", r"struck", r"slapped",
        r"shoved", r"pushed (?:me|him|her|them)", r"slammed", r"choked", r"strangled", r"stamped on",
        r"beat(?:en)? (?:me|him|her|them|up)",
        r"excessive force", r"tasered", r"racis[tm]", r"racial(?:ly)?", r"homophobic", r"transphobic", r"sexist",
        r"discriminat", r"sexual(?:ly)?", r"groped", r"touched me", r"harass", r"brib", r"corrupt", r"stole\b",
        r"stolen by", r"lied", r"falsif", r"planted", r"threaten", r"drunk on duty", r"abuse of (?:his |her )?position",
        r"leaked", r"shared my (?:details|information|address)", r"unlawful(?:ly)?", r"wrongful(?:ly)?",
        r"illegal(?:ly)?",
    ),
    "echr_article_2_3": _any(
        r"(?:died|death) in (?:police )?custody", r"article [23]\b", r"human rights", r"inhuman", r"degrading",
        r"tortur", r"humiliat", r"strip[- ]search", r"(?:couldn't|could not|can't|cannot) breathe",
        r"(?:denied|refused|withheld|didn't get|did not get|no) (?:me |him |her |them )?(?:my |his |her |their )?"
        r"(?:medical|medication|medicine|insulin|inhaler|a doctor|water|food|toilet)", r"left (?:me |him |her |them )?"
        r"(?:in (?:a|the) cell|naked|bleeding|injured)", r"knee on (?:my|his|her|their) (?:neck|back)",
    ),
    "risk": _any(
        r"suicid", r"kill (?:myself|himself|herself)", r"end (?:my|it all|my life)", r"self[- ]harm", r"harm myself",
        r"not safe", r"in danger", r"still (?:following|threatening|watching) me", r"know(?:s)? where i live",
        r"afraid for my (?:life|safety)", r"fear for my (?:life|safety)", r"going to hurt (?:me|us)",
    ),
    "vulnerability": _any(
        r"disabled(?! (?:bay|parking|space|badge|toilet))",  # a disabled bay is not a disabled person
        r"disabilit", r"autis", r"adhd", r"learning (?:difficult|disabilit)", r"mental health",
        r"dementia", r"deaf", r"blind", r"wheelchair", r"elderly", r"pregnant",
        r"my (?:son|daughter|child) (?:is|who is) 1[0-7]\b", r"under 18", r"\bminor\b", r"carer", r"domestic abuse",
        r"scared", r"frightened", r"terrified",
        r"afraid", r"anxiety", r"anxious", r"depress", r"can't cope", r"cannot cope", r"panic attack", r"homeless",
        r"traumatis", r"ptsd", r"in tears", r"crying", r"distress",
    ),
}
_DEATH_NOT_MEANT = re.compile(r"\b(?:battery|phone|car|engine|laptop|plant)s?\s+(?:had\s+)?(?:died|death)", re.I)


@dataclass(frozen=True)
class Flag:
    """One triage flag and the words that raised it."""

    code: str
    triggers: tuple[str, ...]

    @property
    def label(self) -> str:
        """What the flag means, for the staff."""
        return FLAGS[self.code]


@dataclass(frozen=True)
class ComplaintText:
    """What triage reads: the resident's answers that can carry a reason to flag."""

    narrative: str
    people_involved: str = ""
    injury_or_damage: str = ""
    desired_outcome: str = ""
    wants_recorded: bool | None = None
    incident_date: date | None = None


@dataclass(frozen=True)
class Triage:
    """The outcome: a category, the flags with their reasons, and what follows from them."""

    category: str
    category_triggers: tuple[str, ...]
    flags: tuple[Flag, ...]
    priority: Priority

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the flags raised."""
        return tuple(flag.code for flag in self.flags)

    @property
    def must_record(self) -> bool:
        """Any Schedule 3 flag means the complaint must be recorded."""
        return any(code in SCHEDULE_3_FLAGS for code in self.codes)

    @property
    def handling(self) -> str:
        """The suggested way of handling it, in the staff's words."""
        if self.category == "commissioner":
            return "Redirect to the Police and Crime Panel"
        if self.category == "not_police":
            return "Not a police matter: signpost the complainant to the right organisation"
        if self.must_record:
            return "Must be recorded under Schedule 3"
        return "Suitable for service recovery outside Schedule 3"


def find_triggers(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    """The distinct phrases of `text` that match `pattern`, as typed, skipping negated ones."""
    found: list[str] = []
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        if _NEGATION.search(before):
            continue
        phrase = match.group(0).strip()
        if phrase.lower() not in (seen.lower() for seen in found):
            found.append(phrase)
    return tuple(found[:MAX_TRIGGERS])


def categorise(text: str) -> tuple[str, tuple[str, ...]]:
    """The category of a complaint and the words that decided it (the most specific test wins)."""
    for category, pattern in (
        ("commissioner", _COMMISSIONER),
        ("chief_constable", _CHIEF_CONSTABLE),
        ("officer_conduct", _OFFICER),
        ("service_or_policy", _SERVICE),
    ):
        # Negation does not matter here: "the officer didn't..." is still about an officer.
        words = tuple(dict.fromkeys(match.group(0).strip() for match in pattern.finditer(text)))[:MAX_TRIGGERS]
        if words:
            return category, words
    words = tuple(dict.fromkeys(match.group(0).strip() for match in _POLICE.finditer(text)))[:MAX_TRIGGERS]
    if words:
        return "service_or_policy", words
    return "not_police", ()


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (0 when later is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def out_of_time(incident: date | None, today: date) -> bool:
    """More than 12 months between the incident and today (the day after its first anniversary or later)."""
    if incident is None:
        return False
    try:
        anniversary = incident.replace(year=incident.year + 1)
    except ValueError:  # 29 February has no anniversary next year: 1 March is the day after 28 February
        anniversary = date(incident.year + 1, 3, 1)
    return today > anniversary


def priority_for(codes: tuple[str, ...]) -> Priority:
    """Urgent for risk, death, serious injury or a possible ECHR breach; high for vulnerability or criminality."""
    if {"risk", "death_or_serious_injury", "echr_article_2_3"} & set(codes):
        return 1
    if {"vulnerability", "criminal_or_disciplinary"} & set(codes):
        return 2
    return 3


def triage(complaint: ComplaintText, *, today: date) -> Triage:
    """Categorise a complaint and raise every flag its text and answers support."""
    text = "\n".join(
        part for part in (complaint.narrative, complaint.people_involved, complaint.injury_or_damage,
                          complaint.desired_outcome) if part
    )
    category, category_triggers = categorise(text)
    flags: list[Flag] = []
    for code, pattern in _TRIGGERS.items():
        triggers = find_triggers(pattern, text)
        if code == "death_or_serious_injury":
            triggers = tuple(word for word in triggers if not _DEATH_NOT_MEANT.search(_around(text, word)))
        if code == "wants_recorded" and complaint.wants_recorded:
            triggers = ("answered yes to having the complaint formally recorded", *triggers)
        if triggers:
            flags.append(Flag(code, triggers))
    if complaint.incident_date is not None and out_of_time(complaint.incident_date, today):
        months = months_between(complaint.incident_date, today)
        flags.append(Flag("out_of_time", (f"incident on {complaint.incident_date.isoformat()}, {months} months ago",)))
    ordered = tuple(sorted(flags, key=lambda flag: list(FLAGS).index(flag.code)))
    return Triage(category, category_triggers, ordered, priority_for(tuple(flag.code for flag in ordered)))


def _around(text: str, word: str) -> str:
    index = text.lower().find(word.lower())
    return text[max(0, index - 20) : index + len(word)] if index >= 0 else ""
