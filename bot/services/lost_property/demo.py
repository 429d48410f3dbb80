"""Demo found items for a fresh database, loaded through the same importer as a real export.

Dates are relative to today, so the demo always has recent items: e.g. say you lost a black iPhone in
Watford yesterday, or a brown leather purse in St Albans last week.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FoundItem
from bot.services import clock
from bot.services.lost_property.importer import COLUMNS, import_found_items

KEEP_DAYS = 90  # how long the demo "property system" keeps an item before disposal

# reference, category, description, colour, brand, found days ago, found at, held at
DEMO_ITEMS: tuple[tuple[str, str, str, str, str, int, str, str], ...] = (
    ("FP/26/01423", "phones", "iPhone 14 in a clear case with a cracked screen protector", "Black", "Apple", 0,
     "The Parade, Watford town centre", "Watford Police Station"),
    ("FP/26/01417", "phones", "Samsung Galaxy A54 with a floral case", "Blue", "Samsung", 3,
     "Bus stop on Lytton Way, Stevenage", "Stevenage Police Station"),
    ("FP/26/01398", "wallets_purses", "Leather purse with a zip, bank cards in the name of A. Khan inside",
     "Brown", "Radley", 6, "Verulamium Park, St Albans", "St Albans Police Station"),
    ("FP/26/01402", "wallets_purses", "Bifold wallet, some coins, no cards", "Black", "", 4,
     "Car park of the Galleria, Hatfield", "Hatfield Police Station"),
    ("FP/26/01411", "keys", "Three keys on a ring with a Vauxhall car key fob and a Minnie Mouse keyring", "",
     "Vauxhall", 2, "Marlowes, Hemel Hempstead", "Hemel Hempstead Police Station"),
    ("FP/26/01389", "keys", "Two door keys on a red lanyard", "Red", "", 9, "Hertford East station forecourt",
     "Hertford Police Station"),
    ("FP/26/01420", "bags", "Rucksack with a laptop charger and a water bottle", "Grey", "North Face", 1,
     "Stevenage railway station", "Stevenage Police Station"),
    ("FP/26/01376", "bags", "Small handbag with a gold chain strap", "Pink", "", 12,
     "The Harlequin shopping centre, Watford", "Watford Police Station"),
    ("FP/26/01408", "jewellery", "Gold ring with a small white stone", "Gold", "", 5,
     "Ladies' toilets, Bishop's Stortford Jackson Square", "Bishop's Stortford Police Station"),
    ("FP/26/01385", "jewellery", "Wristwatch with a steel bracelet", "Silver", "Casio", 10,
     "Cheshunt Park", "Cheshunt Police Station"),
    ("FP/26/01399", "bikes", "Mountain bike, front wheel missing", "Green", "Carrera", 7,
     "Alleyway off Fishpool Street, St Albans", "St Albans Police Station"),
    ("FP/26/01413", "documents", "UK passport", "", "", 3, "Luton Airport Parkway bus, found at Hatfield",
     "Hatfield Police Station"),
    ("FP/26/01416", "cards", "Contactless debit card", "Green", "Lloyds", 2, "Tesco, Letchworth",
     "Stevenage Police Station"),
    ("FP/26/01394", "clothing", "Child's school coat with a hood", "Navy", "", 8, "Canal path, Berkhamsted",
     "Hemel Hempstead Police Station"),
    ("FP/26/01405", "other", "Wireless earbuds in a white charging case", "White", "Apple AirPods", 4,
     "Watford Junction station", "Watford Police Station"),
    ("FP/26/01201", "phones", "iPhone with a black case", "Black", "Apple", 120,
     "The Parade, Watford town centre", "Watford Police Station"),  # past its disposal date: never shown
)


def demo_csv(today: date) -> str:
    """The demo items as a property-system export, dated relative to today."""
    lines = [",".join(COLUMNS)]
    for reference, category, description, colour, brand, days_ago, found_at, held_at in DEMO_ITEMS:
        found_on = today - timedelta(days=days_ago)
        dispose = found_on + timedelta(days=KEEP_DAYS)
        cells = [reference, category, description, colour, brand, found_on.isoformat(), found_at, held_at,
                 dispose.isoformat()]
        lines.append(",".join(f'"{cell}"' for cell in cells))
    return "\n".join(lines) + "\n"


async def load_demo_found_items(session: AsyncSession) -> int:
    """Add the demo found items when there are none yet; returns how many were added."""
    if await session.scalar(select(func.count()).select_from(FoundItem)):
        return 0
    today = clock.today()
    report = await import_found_items(session, demo_csv(today), actor="demo-data", today=today)
    return report.created
