"""What residents and the property system call an item: categories, synonyms, colours, words and typos.

Pure functions, no I/O; the search (bot.services.lost_property.search) ranks found items with them.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

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
PLACE_STOPWORDS = _STOPWORDS | frozenset(
    "station police town centre center road street lane avenue way area city shop shops store high".split()
)
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
    return _close(one, other)


@lru_cache(maxsize=65536)
def _close(one: str, other: str) -> bool:
    # A search compares the same few words with every found item's: each pair is worked out once. The quick
    # ratios are upper bounds of ratio(), so they only skip pairs that could never reach FUZZY.
    matcher = SequenceMatcher(None, one, other)
    return matcher.real_quick_ratio() >= FUZZY and matcher.quick_ratio() >= FUZZY and matcher.ratio() >= FUZZY


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


