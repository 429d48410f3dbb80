"""What residents type into the lost-item form: the item, the place, the day, a name and a contact.

Every check raises LostPropertyError with a reason code, never the text itself, so callers can log the reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.services.lost_property.items import LostPropertyError
from bot.services.parsing import contact, names, parsed
from bot.services.parsing.dates import DateRules, parse_day

ITEM_MAX = 200
PLACE_MAX = 200
NAME_MAX = 80
# Found items are not kept longer than a year, so an older loss cannot be searched; "Saturday" said on a
# Saturday is today (a week ago only as "last Saturday").
LOST_DATES = DateRules(oldest=timedelta(days=366), same_weekday_is_today=True)
_WORD = re.compile(r"[^\W\d_]{2,}")


def _described(raw: str, what: str, limit: int) -> str:
    text = " ".join((raw or "").split())
    if not _WORD.search(text):
        raise LostPropertyError(f"{what}_empty")
    if len(text) > limit:
        raise LostPropertyError(f"{what}_too_long")
    return text


def normalise_item(raw: str) -> str:
    """A lost item's description, trimmed; refuses text with no letters or that is too long."""
    return _described(raw, "item", ITEM_MAX)


def normalise_place(raw: str) -> str:
    """Where an item was lost, trimmed; refuses text with no letters or that is too long."""
    return _described(raw, "place", PLACE_MAX)


def parse_lost_date(raw: str, *, today: date) -> date:
    """The day something was lost, from "yesterday", "last Saturday", "3 days ago", "14/11", "14 Nov" and the like.

    LostPropertyError reasons: "date_format" (not a date), "date_future", "date_too_old".
    """
    return parsed(
        lambda text: parse_day(text, today=today, rules=LOST_DATES), raw, lambda why: LostPropertyError(f"date_{why}")
    )


def normalise_name(raw: str) -> str:
    """The name staff should ask for, trimmed; refuses digits, symbols and long text."""
    return parsed(
        lambda text: names.normalise_name(text, max_length=NAME_MAX), raw, lambda why: LostPropertyError("name_format")
    )


def normalise_contact(raw: str) -> str:
    """An e-mail address (lower case) or a UK phone number (digits, +44 made 0); refuses anything else."""
    return parsed(contact.normalise_contact, raw, lambda why: LostPropertyError("contact_format"))
