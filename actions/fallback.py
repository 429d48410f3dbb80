"""The two-stage fallback's first question: "Did you mean ...?" with the likeliest topics as buttons.

Rasa's default (action_default_ask_affirmation) offers one raw intent name ("Did you mean
'beacon_info'?"). This one offers up to three topics in plain words. Danger is never among them: the risk
classifier (rasa_addons/risk_classifier.py) decides that at every turn, before any topic.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

MAX_CHOICES = 3
MIN_CONFIDENCE = 0.05  # below this an intent is noise, not a plausible reading

# Button titles, in the words a resident would use. Intents missing here get their name in words.
TITLES: dict[str, str] = {
    "greet": "Saying hello",
    "capabilities": "What you can help with",
    "bot_challenge": "Am I talking to a person?",
    "delete_chat": "Deleting this chat",
    "talk_to_human": "Talk to a person",
    "report_crime": "Reporting a crime",
    "report_anonymously": "Reporting anonymously (Crimestoppers)",
    "report_asb": "Anti-social behaviour",
    "community_trigger": "The Community Trigger (ASB case review)",
    "fraud": "Fraud, scams and cyber crime",
    "beacon_info": "Beacon, support for victims",
    "beacon_process": "What happens when I contact Beacon",
    "support_burglary": "Help after a burglary",
    "support_robbery": "Help after a robbery or mugging",
    "support_hate_crime": "Hate crime",
    "home_security": "Making my home secure",
    "restorative_justice": "Restorative justice",
    "victims_rights": "My rights as a victim",
    "domestic_abuse": "Domestic abuse",
    "sexual_violence": "Rape or sexual assault: support",
    "stalking_harassment": "Stalking or harassment",
    "support_assault": "Help after an assault",
    "not_coping": "Struggling to cope",
    "missing_person": "Someone is missing",
    "road_collision": "A road collision",
    "compensation": "Compensation for victims of violent crime",
    "clares_law": "Clare's Law (asking about a partner's past)",
    "sarahs_law": "Sarah's Law (asking about someone near a child)",
    "information_request": "Freedom of information or my personal data",
    "complain_police": "Complaining about the police",
    "complain_chief_constable": "Complaining about the Chief Constable",
    "complain_commissioner": "Complaining about the Commissioner",
    "start_complaint": "Starting a complaint here",
    "case_status": "Checking on my case",
    "complaint_status": "Checking on my complaint",
    "ask_track_my_crime": "What Track My Crime is",
    "lost_crime_reference": "I've lost my crime reference number",
    "lost_property": "Something I've lost",
    "found_property": "Something I've found",
    "search_lost_item": "Checking if my lost item was handed in",
    "commissioner_role": "What the Commissioner does",
    "commissioner_contact": "Contacting the Commissioner",
    "police_crime_plan": "The Police and Crime Plan",
    "volunteering": "Volunteering",
    "neighbourhood_watch": "Neighbourhood Watch",
    "local_policing_team": "My local policing team",
    "other_force_area": "Police outside Hertfordshire",
}
# Not topics: offering "Did you mean 'no'?" helps nobody. Nor are a form's steps (a typed reference, the complaint
# read-back's Submit / Change, "why do you ask?"): pressed outside their form they would submit or explain nothing.
NOT_OFFERED = {
    "nlu_fallback", "out_of_scope", "affirm", "deny", "stop", "feedback", "thank", "goodbye", "emergency",
    "case_detail", "complaint_submit", "complaint_change", "complaint_why",
}  # fmt: skip


def title_for(intent: str) -> str:
    """A resident-friendly button title for an intent."""
    return TITLES.get(intent) or intent.replace("_", " ").capitalize()


def candidates(parse_data: dict[str, Any]) -> list[str]:
    """The intents worth offering, likeliest first."""
    ranking = parse_data.get("intent_ranking") or []
    chosen: list[str] = []
    for entry in ranking:
        name = entry.get("name")
        if not name or name in NOT_OFFERED or name in chosen:
            continue
        if (entry.get("confidence") or 0.0) < MIN_CONFIDENCE:
            break  # the ranking is sorted, so the rest are lower still
        chosen.append(name)
        if len(chosen) == MAX_CHOICES:
            break
    return chosen


class ActionDefaultAskAffirmation(Action):
    """Asks "Did you mean ...?" with up to three topics, plus "Something else"."""

    def name(self) -> str:
        """Overrides Rasa's default action of the same name."""
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Send the question; the two-stage fallback loop handles the answer."""
        choices = candidates(tracker.latest_message or {})
        buttons = [{"title": title_for(intent), "payload": f"/{intent}"} for intent in choices]
        buttons.append({"title": "Something else", "payload": "/out_of_scope"})
        text = "Sorry, I'm not sure I understood. Did you mean:" if choices else "Sorry, I'm not sure I understood."
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
