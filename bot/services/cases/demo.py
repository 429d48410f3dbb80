"""Demo cases for a fresh database, loaded through the same importer as a real export.

The demo victims' details are listed here (and in the README) so that anyone can try the chat:
e.g. reference 41/10234/26, surname Smith, postcode AL1 3AB.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Case
from bot.services.cases.importer import COLUMNS, import_cases

DEMO_CSV = """\
41/10234/26,Burglary (dwelling),2026-10-03,Smith,AL1 3AB,under_investigation,"Forensic results from the back \
door are being analysed, and CCTV from neighbouring houses has been collected.",DC Priya Sharma,"Call 101 and ask \
for DC Sharma, St Albans Local Crime Unit",2026-11-14
41/20871/26,Theft of a pedal cycle,2026-08-19,Okafor,SG1 2DP,closed_no_further_action,"There was no CCTV and no \
witnesses. If your bike is handed in, Herts Reunited will contact you.",PC Tom Reilly,"Call 101 and ask for PC \
Reilly, Stevenage Safer Neighbourhood Team",2026-09-30
41/31502/26,Criminal damage to a vehicle,2026-10-27,O'Brien,WD17 1HP,suspect_identified,"A suspect has been \
identified from doorbell footage and will be interviewed.",DC Marcus Lee,"Call 101 and ask for DC Lee, Watford \
Local Crime Unit",2026-11-18
41/08817/25,Fraud (online purchase),2025-12-02,Nowak,EN8 7AS,with_cps,"The file was sent to the Crown Prosecution \
Service on 2 November 2026.",DC Helen Fraser,"Call 101 and ask for DC Fraser, Serious Fraud and Cyber Unit",\
2026-11-02
41/44120/26,Harassment,2026-11-16,Patel,HP2 5AA,recorded,"Your report is being reviewed by the Investigation \
Hub.",,,2026-11-17
41/02763/25,Assault,2025-06-11,Evans,SG14 1HN,charged,"A man has been charged with assault and will appear at \
Stevenage Magistrates' Court.",DC Aaron Mensah,"Call 101 and ask for DC Mensah, Hertford Local Crime Unit",2026-10-21
"""


async def load_demo_cases(session: AsyncSession) -> int:
    """Add the demo cases when there are no cases yet; returns how many were added."""
    if await session.scalar(select(func.count()).select_from(Case)):
        return 0
    report = await import_cases(session, ",".join(COLUMNS) + "\n" + DEMO_CSV, actor="demo-data")
    return report.created
