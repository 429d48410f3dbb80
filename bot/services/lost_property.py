"""Herts Reunited: categories and their synonyms, what residents type, and the search of found items.

The search shows residents only what they need to recognise an item (never the property system's free-text
description, which can name the owner) and never looks at other residents' lost reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FoundItem

CATEGORIES: dict[str, str] = {
    "phones": "Phone",
    "wallets_purses": "Wallet or purse",
    "bags": "Bag",
    "keys": "Keys",
    "jewellery": "Jewellery or watch",
    "bikes": "Bike",
    "documents": "Document",
    "cards": "Bank or travel card",
    "clothing": "Clothing",
    "other": "Other item",
}

# Words and phrases residents (and the property system) use, mapped to a category. Phrases win over words.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "phones": ("phone", "mobile", "iphone", "smartphone", "android", "cellphone", "samsung", "galaxy", "pixel"),
    "wallets_purses": ("wallet", "purse", "coin purse", "card holder", "cardholder", "billfold", "wallets and purses"),
    "bags": ("bag", "handbag", "backpack", "rucksack", "holdall", "suitcase", "satchel", "tote", "briefcase",
             "bumbag", "clutch", "shoulder bag", "laptop bag", "gym bag", "carrier bag"),
    "keys": ("key", "keyring", "key ring", "fob", "key fob", "car key", "door key"),
    "jewellery": ("jewellery", "jewelry", "ring", "necklace", "bracelet", "earring", "watch", "pendant", "chain",
                  "bangle", "brooch", "locket", "smartwatch"),
    "bikes": ("bike", "bicycle", "cycle", "ebike", "e-bike", "mountain bike", "scooter", "e-scooter"),
    "documents": ("passport", "driving licence", "driving license", "licence", "license", "birth certificate",
                  "residence permit", "visa", "document", "id card", "identity card", "provisional licence"),
    "cards": ("card", "bank card", "debit card", "credit card", "oyster", "oyster card", "railcard", "bus pass",
              "travel card", "contactless card"),
    "clothing": ("coat", "jacket", "hat", "cap", "scarf", "glove", "jumper", "hoodie", "shoe", "trainer", "boot",
                 "clothes", "clothing", "cardigan", "fleece", "shirt", "dress", "uniform", "blazer"),
    "other": ("laptop", "tablet", "ipad", "headphone", "earphone", "airpod", "earbud", "glasses", "sunglasses",
              "umbrella", "camera", "toy", "kindle", "charger", "other", "item"),
}

COLOURS: dict[str, str] = {
    "black": "black", "white": "white", "grey": "grey", "gray": "grey", "silver": "silver", "gold": "gold",
    "red": "red", "blue": "blue", "navy": "blue", "green": "green", "yellow": "yellow", "orange": "orange",
    "pink": "pink", "purple": "purple", "brown": "brown", "tan": "brown", "beige": "beige", "cream": "beige",
}

# Words that say nothing about an item or a place.
_STOPWORDS = frozenset(
    "a an the my i me i'm im it its it's was is are in on at of with and or some lost think left dropped near by to "
    "from for mine our his her their this that one has have had been just very quite probably maybe somewhere "
    "around about inside outside small big large little new old colour color make brand model".split()
)
_PLACE_STOPWORDS = _STOPWORDS | frozenset(
    "station police town centre center road street lane avenue way area city shop shops store high".split()
)
_UNKNOWN = frozenset({"", "no", "none", "nope", "n/a", "na", "unknown", "not sure", "no idea", "dont know",
                      "don't know", "i don't know", "i dont know", "dunno", "can't remember", "cant remember",
                      "skip", "nothing", "-"})

# Advice beyond the search, by what was lost and where (see the utter_lost_advice_* responses in domain.yml).
_ITEM_ADVICE: dict[str, tuple[str, ...]] = {
    "cash": ("cash", "money", "banknote", "pound", "quid"),
    "passport": ("passport",),
    "driving_licence": ("driving licence", "driving license", "provisional licence", "licence", "license"),
    "cards": ("bank card", "debit card", "credit card", "bank", "wallet", "purse"),
    "pet": ("dog", "puppy", "cat", "kitten", "pet", "tortoise", "parrot", "rabbit"),
}
_PLACE_ADVICE: dict[str, tuple[str, ...]] = {
    "train": ("train", "railway", "rail", "platform", "thameslink", "tube", "underground"),
    "bus": ("bus", "coach"),
}

DAYS_BEFORE = 3  # residents misremember the day: items found a little before it are still shown
DAYS_AFTER = 45  # items are often handed in days or weeks later
SHOWN = 3  # at most this many matches are shown to a resident
FUZZY = 0.82  # difflib ratio at which two words of five letters or more count as one (a typo)
_WORD = re.compile(r"[a-z0-9£']+(?:-[a-z0-9]+)*")


class LostPropertyError(ValueError):
    """Something a resident typed cannot be used (the reason names which rule it broke, never the text)."""


def words(text: str, *, stop: frozenset[str] = _STOPWORDS) -> list[str]:
    """The meaningful words of a text, lower case and singular."""
    found = [word.strip("'") for word in _WORD.findall((text or "").lower())]
    return [_singular(word) for word in found if word and word not in stop]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "glasses")):
        return word[:-1]
    return word


def similar(one: str, other: str) -> bool:
    """True for the same word, or a likely typo of it (same first letter, close spelling, five letters or more)."""
    if one == other:
        return True
    if min(len(one), len(other)) < 5 or one[0] != other[0]:
        return False
    return SequenceMatcher(None, one, other).ratio() >= FUZZY


def _phrase_at(parts: list[str], text_words: list[str], start: int, *, fuzzy: bool) -> bool:
    window = text_words[start : start + len(parts)]
    if len(window) < len(parts):
        return False
    return all((similar(a, b) if fuzzy else a == b) for a, b in zip(parts, window, strict=True))


def _phrase_in(phrase: str, text_words: list[str], *, fuzzy: bool = True) -> bool:
    parts = words(phrase, stop=frozenset())
    return any(_phrase_at(parts, text_words, i, fuzzy=fuzzy) for i in range(len(text_words)))


def _synonyms_longest_first() -> list[tuple[list[str], str]]:
    pairs = [(words(phrase, stop=frozenset()), code) for code, options in SYNONYMS.items() for phrase in options]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def category_of(text: str) -> str | None:
    """The category of the first item a description names (typos tolerated), or None if it names none."""
    text_words = words(text, stop=frozenset())
    synonyms = _synonyms_longest_first()
    for fuzzy in (False, True):  # a correctly spelt word anywhere beats a likely typo earlier on
        for start in range(len(text_words)):
            for parts, code in synonyms:
                if _phrase_at(parts, text_words, start, fuzzy=fuzzy):
                    return code
    return None


def normalise_category(value: str) -> str:
    """A category code from a code, a label or a synonym (for imports); LostPropertyError if none fits."""
    key = (value or "").strip().lower().replace(" ", "_")
    if key in CATEGORIES:
        return key
    for code, label in CATEGORIES.items():
        if value.strip().lower() in {label.lower(), code.replace("_", " ")}:
            return code
    code = category_of(value)
    if code is None:
        raise LostPropertyError("unknown category")
    return code


def is_unknown(text: str) -> bool:
    """True when an optional answer means "I don't know" or "nothing to add"."""
    return " ".join((text or "").lower().replace("’", "'").split()).strip(" .!") in _UNKNOWN


def colours(text: str) -> set[str]:
    """The colours named in a text, folded into families (navy is blue, gray is grey)."""
    return {COLOURS[word] for word in words(text, stop=frozenset()) if word in COLOURS}


def advice_for(item: str, place: str) -> list[str]:
    """Extra advice that applies, by the item (cash, passport, driving_licence, cards, pet) and place (train, bus)."""
    item_words, place_words = words(item, stop=frozenset()), words(place, stop=frozenset())
    keys = [key for key, phrases in _ITEM_ADVICE.items() if _mentions(item_words, phrases)]
    if "£" in item and "cash" not in keys:
        keys.insert(0, "cash")
    return keys + [key for key, phrases in _PLACE_ADVICE.items() if _mentions(place_words, phrases)]


def _mentions(text_words: list[str], phrases: tuple[str, ...]) -> bool:
    return any(_phrase_in(phrase, text_words, fuzzy=False) for phrase in phrases)


@dataclass(frozen=True)
class LostQuery:
    """What a resident lost, as the search needs it."""

    category: str
    description: str
    details: str
    place: str
    lost_on: date


@dataclass(frozen=True)
class FoundMatch:
    """A found item as a resident may see it: enough to recognise it and to claim it, nothing more."""

    reference: str
    category: str
    label: str
    colour: str
    brand: str
    found_on: date
    found_at: str
    held_at: str
    score: float

    @classmethod
    def of(cls, item: FoundItem, score: float) -> FoundMatch:
        """The resident's view of a found item (its free-text description is left out on purpose)."""
        return cls(item.reference, item.category, CATEGORIES.get(item.category, "Item"), item.colour, item.brand,
                   item.found_on, item.found_at, item.held_at, round(score, 2))


def _any_similar(word: str, pool: list[str]) -> bool:
    return any(similar(word, other) for other in pool)


def score(item: FoundItem, query: LostQuery) -> float | None:
    """How well a found item fits a lost item, or None when it cannot be the one.

    Category (when known) and the date window decide whether an item is a candidate; words of the
    description, colour, brand and place then rank it, and at least one of them must agree.
    """
    days = (item.found_on - query.lost_on).days
    if days < -DAYS_BEFORE or days > DAYS_AFTER:
        return None
    same_category = item.category == query.category
    if query.category != "other" and not same_category:
        return None
    text = f"{query.description} {query.details}"
    category_words = {w for phrase in SYNONYMS.get(query.category, ()) for w in words(phrase)}
    item_words = words(f"{item.description} {item.colour} {item.brand}")
    wanted = [w for w in dict.fromkeys(words(text)) if w not in COLOURS]
    if query.category != "other":
        wanted = [w for w in wanted if w not in category_words]
    elif not any(_any_similar(w, item_words) for w in words(query.description)):
        return None  # without a category, the item itself must be named: a shared place or colour is not enough
    evidence = sum(1.0 for w in wanted if _any_similar(w, item_words))
    theirs, ours = colours(f"{item.colour} {item.description}"), colours(text)
    if theirs and ours:
        evidence += 2.0 if theirs & ours else -2.0
    brand = words(item.brand)
    if brand and all(_any_similar(w, words(text)) for w in brand):
        evidence += 1.0  # the brand's words were already counted once as description words
    place = words(query.place, stop=_PLACE_STOPWORDS)
    if place and any(_any_similar(w, words(item.found_at, stop=_PLACE_STOPWORDS)) for w in place):
        evidence += 2.0
    elif place and any(_any_similar(w, words(item.held_at, stop=_PLACE_STOPWORDS)) for w in place):
        evidence += 1.0
    if evidence <= 0:
        return None
    closeness = 1.0 - max(days, 0) / DAYS_AFTER
    return (3.0 if same_category else 0.0) + evidence + closeness


def ranked(items: list[FoundItem], query: LostQuery) -> list[tuple[FoundItem, float]]:
    """The items that may be the lost one with their scores, best first (ties: found closer to the day)."""
    scored = [(item, points) for item in items if (points := score(item, query)) is not None]
    scored.sort(key=lambda pair: (-pair[1], abs((pair[0].found_on - query.lost_on).days), pair[0].reference))
    return scored


def rank(items: list[FoundItem], query: LostQuery, *, limit: int = SHOWN) -> list[FoundMatch]:
    """What a resident may be shown: the best few items that may be theirs, without descriptions."""
    return [FoundMatch.of(item, points) for item, points in ranked(items, query)[:limit]]


async def candidates(session: AsyncSession, query: LostQuery, *, today: date) -> list[FoundItem]:
    """Found items still held (not past their disposal date) in the query's category and date window."""
    statement = select(FoundItem).where(
        FoundItem.dispose_after >= today,
        FoundItem.found_on >= query.lost_on - timedelta(days=DAYS_BEFORE),
        FoundItem.found_on <= query.lost_on + timedelta(days=DAYS_AFTER),
    )
    if query.category != "other":
        statement = statement.where(FoundItem.category == query.category)
    return list((await session.scalars(statement.order_by(FoundItem.found_on.desc()).limit(5000))).all())


async def search(
    session: AsyncSession, query: LostQuery, *, today: date, limit: int = SHOWN
) -> list[FoundMatch]:
    """The best few found items still held that may be the lost one, as a resident may see them."""
    return rank(await candidates(session, query, today=today), query, limit=limit)
