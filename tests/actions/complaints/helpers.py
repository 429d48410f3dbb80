"""What the complaint actions' tests share: the domain, a resident's answers and trackers in the forms."""

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.complaints.slots import DETAIL_SLOTS
from actions.complaints.submit import ActionSubmitComplaint
from actions.forms import SKIPPED
from bot.db.engine import unit_of_work
from bot.db.models import Complaint

FORM_SLOTS = [
    "complaint_role", "complaint_permission", "complaint_name", "complaint_email", "complaint_phone",
    "complaint_contact_preference", "complaint_narrative", "complaint_date", "complaint_location",
    "complaint_people", "complaint_injury", "complaint_witnesses", "complaint_references", "complaint_outcome",
    "complaint_recorded", "complaint_change_field", "complaint_confirm",
]
DOMAIN = {
    "forms": {
        "complaint_form": {"required_slots": FORM_SLOTS},
        "complaint_status_form": {"required_slots": ["complaint_status_reference", "complaint_status_email"]},
    },
    "slots": {},
    "responses": {"utter_complaint_why_email": [{"text": "..."}], "utter_complaint_why_general": [{"text": "..."}]},
}
ANSWERS = {
    "complaint_role": "affected",
    "complaint_name": "Sam Taylor",
    "complaint_email": "sam@example.com",
    "complaint_phone": "07700900123",
    "complaint_contact_preference": "email",
    "complaint_narrative": "PC 4521 pushed me over outside the station and I broke my wrist.",
    "complaint_date": "2026-11-17",
    "complaint_date_text": "last Tuesday",
    "complaint_location": "St Albans",
    "complaint_people": "PC 4521",
    "complaint_injury": "broken wrist",
    "complaint_witnesses": "no",
    "complaint_references": SKIPPED,
    "complaint_outcome": "an apology",
    "complaint_recorded": "yes",
    "complaint_confirm": "submit",
    "complaint_form_id": "form-1",
}
CLEARED = [SlotSet(slot, None) for slot in DETAIL_SLOTS]


def tracker(slots=None, *, typed=None, sender="conversation-under-test", form="complaint_form"):
    """A tracker in the form; `typed` = (slot, text) is what the resident just answered for that slot."""
    slots = dict(slots or {})
    events = [{"event": "user", "text": typed[1] if typed else "", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    if typed:
        slots.update({"requested_slot": typed[0], typed[0]: typed[1]})
        events.append({"event": "slot", "name": typed[0], "value": typed[1]})
    return Tracker(
        sender, slots, {"text": typed[1] if typed else "", "intent": {"name": "nlu_fallback"}, "entities": []},
        events, False, None, {"name": form}, "action_listen",
    )


def responses(dispatcher):
    return [message["response"] for message in dispatcher.messages]


async def count(sessions):
    async with unit_of_work(sessions) as session:
        return await session.scalar(select(func.count()).select_from(Complaint))


async def submit(state):
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(dispatcher, state, DOMAIN)
    return events, dispatcher.messages
