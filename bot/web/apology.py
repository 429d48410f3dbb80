"""When the assistant cannot answer: an apology with the phone number for what the resident was doing, and 999.

What they were doing comes from Rasa's tracker (the form in progress, else the topic of their last question),
asked with a short timeout; if Rasa cannot say, the general numbers. Nothing in the conversation is changed:
a form's answers so far are kept, so the resident can carry on.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from aiohttp import web

from bot.web.rasa_api import tracker_state

log = logging.getLogger(__name__)

COMPLAINT, CASE, LOST, GENERAL = "complaint", "case", "lost_property", "general"
FORMS = {
    "complaint_form": COMPLAINT,
    "complaint_status_form": COMPLAINT,
    "case_status_form": CASE,
    "lost_item_form": LOST,
    "lost_contact_form": LOST,
}
INTENTS = {
    "complain_police": COMPLAINT,
    "complain_chief_constable": COMPLAINT,
    "complain_commissioner": COMPLAINT,
    "start_complaint": COMPLAINT,
    "complaint_status": COMPLAINT,
    "case_status": CASE,
    "ask_track_my_crime": CASE,
    "lost_crime_reference": CASE,
    "lost_property": LOST,
    "found_property": LOST,
    "search_lost_item": LOST,
}
DANGER = "If you're in danger now, call 999."
KEPT = "What you've told me so far is kept, so you can carry on in a moment: please send your last message again."
# Sources: [pcc-plan-refresh] and [pcc-ar-2014-15] (the Commissioner's office 01707 806100; 101; Beacon
# 0300 011 5555), [police-101] (101), [emergency-999].
APOLOGIES = {
    COMPLAINT: f"Sorry, I can't answer just now. {KEPT} Or call the Complaint Resolution Team through the "
    f"Commissioner's office on 01707 806100. {DANGER}",
    CASE: "Sorry, I can't check your case just now. Please try again in a moment, or call Hertfordshire "
    f"Constabulary on 101 and give your crime reference. {DANGER}",
    LOST: f"Sorry, I can't answer just now. {KEPT} Or call 101 about lost property. {DANGER}",
    GENERAL: "Sorry, I can't answer just now. Please try again in a moment. To talk to someone, call the police "
    f"non-emergency number 101, or Beacon, for victims of crime, on 0300 011 5555. {DANGER}",
}


def topic_of(state: dict[str, Any]) -> str:
    """What the resident was doing, from a tracker's state: the active form, else their last question."""
    loop = (state.get("active_loop") or {}).get("name")
    if loop in FORMS:
        return FORMS[loop]
    intent = ((state.get("latest_message") or {}).get("intent") or {}).get("name")
    return INTENTS.get(intent, GENERAL)


async def current_topic(app: web.Application, sender: str, timeout: float) -> str:
    """The resident's topic from Rasa's tracker, or GENERAL when Rasa cannot say within `timeout`."""
    try:
        return topic_of(await tracker_state(app, sender, timeout))
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        log.info("no tracker for the apology (%s): the general numbers", type(exc).__name__)
        return GENERAL


async def apology(app: web.Application, sender: str, timeout: float) -> str:
    """The apology for this conversation, within `timeout` seconds."""
    return APOLOGIES[await current_topic(app, sender, timeout)]
