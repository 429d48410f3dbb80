"""The search of found items for a lost one: candidates by category and date window, ranked by what agrees.

The search shows residents only what they need to recognise an item (never the property system's free-text
description, which can name the owner) and never looks at other residents' lost reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FoundItem
from bot.services.lost_property.items import CATEGORIES, COLOURS, PLACE_STOPWORDS, SYNONYMS, colours, similar, words

DAYS_BEFORE = 3  # residents misremember the day: items found a little before it are still shown
DAYS_AFTER = 45  # items are often handed in days or weeks later
SHOWN = 3  # at most this many matches are shown to a resident


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


class _Terms:
    """A query's words, worked out once, and which of them each found item's word is (a likely typo of).

    A search compares the same query with thousands of items whose words repeat: each item word is compared with
    the query's words once, so a long description costs the distinct words involved, not items times words.
    """

    def __init__(self, query: LostQuery) -> None:
        text = f"{query.description} {query.details}"
        self.text_words = frozenset(words(text))
        self.named = frozenset(words(query.description))  # the item itself, as the resident named it
        wanted = [w for w in dict.fromkeys(words(text)) if w not in COLOURS]
        if query.category != "other":
            category_words = {w for phrase in SYNONYMS.get(query.category, ()) for w in words(phrase)}
            wanted = [w for w in wanted if w not in category_words]
        self.wanted = tuple(wanted)
        self.colours = colours(text)
        self.place = frozenset(words(query.place, stop=PLACE_STOPWORDS))
        self._pool = tuple(self.text_words | self.place)
        self._hits: dict[str, frozenset[str]] = {}
        self._brand_hits: dict[str, bool] = {}

    def matched(self, item_words: list[str]) -> set[str]:
        """The query's words that one of these item words is, or is a likely typo of."""
        found: set[str] = set()
        for item_word in set(item_words):
            hits = self._hits.get(item_word)
            if hits is None:
                hits = self._hits[item_word] = frozenset(w for w in self._pool if similar(w, item_word))
            found |= hits
        return found

    def has_brand_word(self, brand_word: str) -> bool:
        """The resident's description holds this word of the item's brand (or a likely typo of it)."""
        hit = self._brand_hits.get(brand_word)
        if hit is None:
            hit = self._brand_hits[brand_word] = any(similar(brand_word, w) for w in self.text_words)
        return hit


def score(item: FoundItem, query: LostQuery, terms: _Terms | None = None) -> float | None:
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
    terms = terms or _Terms(query)  # one search passes its own, worked out once for every item
    matched = terms.matched(words(f"{item.description} {item.colour} {item.brand}"))
    if query.category == "other" and not terms.named & matched:
        return None  # without a category, the item itself must be named: a shared place or colour is not enough
    evidence = sum(1.0 for w in terms.wanted if w in matched)
    theirs, ours = colours(f"{item.colour} {item.description}"), terms.colours
    if theirs and ours:
        evidence += 2.0 if theirs & ours else -2.0
    brand = words(item.brand)
    if brand and all(terms.has_brand_word(w) for w in brand):
        evidence += 1.0  # the brand's words were already counted once as description words
    if terms.place & terms.matched(words(item.found_at, stop=PLACE_STOPWORDS)):
        evidence += 2.0
    elif terms.place & terms.matched(words(item.held_at, stop=PLACE_STOPWORDS)):
        evidence += 1.0
    if evidence <= 0:
        return None
    closeness = 1.0 - max(days, 0) / DAYS_AFTER
    return (3.0 if same_category else 0.0) + evidence + closeness


def ranked(items: list[FoundItem], query: LostQuery) -> list[tuple[FoundItem, float]]:
    """The items that may be the lost one with their scores, best first (ties: found closer to the day)."""
    terms = _Terms(query)
    scored = [(item, points) for item in items if (points := score(item, query, terms)) is not None]
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
