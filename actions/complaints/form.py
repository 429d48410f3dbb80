"""The complaint form in the chat: validating each answer as it is typed, and "change something".

Answers live in slots only until the complaint is submitted or cancelled; every way out clears them.
Nothing here logs them. The rules each answer must meet are bot.services.complaints.answers.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaints import slots
from actions.forms import SKIPPED, Failures, FormValidation
from bot.services import clock
from bot.services.complaints import answers
from bot.services.complaints.details import ComplaintError
from bot.services.parsing.replies import is_skip, yes_no

# What else forgetting an answer forgets, when the resident changes it.
_CHANGED_WITH = {
    slots.EMAIL: (slots.CONTACT_PREFERENCE,),
    slots.PHONE: (slots.CONTACT_PREFERENCE,),
    slots.ROLE: (slots.PERMISSION,),
    slots.DATE: (slots.DATE_TEXT,),
}


def _also(events: dict[str, Any], slot: str, cleared: str) -> dict[str, Any]:
    """The validation's events, also emptying `cleared` when the slot's answer was valid (it depends on it)."""
    return events if events[slot] is None else {**events, cleared: None}


class ValidateComplaintForm(FormValidation):
    """Checks each answer as it is typed, asks only the questions that apply, and handles "change something"."""

    FAILURES = Failures(slots.FAILURES)
    INVALID = {
        slots.ROLE: "utter_complaint_role_invalid",
        slots.PERMISSION: "utter_complaint_yes_no_invalid",
        slots.NAME: "utter_complaint_name_invalid",
        slots.EMAIL: "utter_complaint_email_invalid",
        slots.PHONE: "utter_complaint_phone_invalid",
        slots.CONTACT_PREFERENCE: "utter_complaint_contact_preference_invalid",
        slots.NARRATIVE: "utter_complaint_narrative_short",
        slots.DATE: "utter_complaint_date_invalid",
        slots.RECORDED: "utter_complaint_yes_no_invalid",
        slots.CHANGE_FIELD: "utter_complaint_change_field_invalid",
    }
    FREE_TEXT = dict.fromkeys(
        (slots.LOCATION, slots.PEOPLE, slots.INJURY, slots.WITNESSES, slots.REFERENCES, slots.OUTCOME),
        answers.FREE_TEXT_MAX,
    )
    NORMALISERS = {
        slots.ROLE: answers.normalise_role,
        slots.NAME: answers.normalise_name,
        slots.EMAIL: answers.normalise_email,
        slots.PHONE: answers.normalise_phone,
        slots.CONTACT_PREFERENCE: answers.normalise_contact_preference,
        slots.NARRATIVE: answers.normalise_narrative,
        slots.RECORDED: answers.normalise_recorded,
    }
    # Every question but the free-text ones: what happened (and where, who...) is the complaint itself, often a harm.
    SHORT_ANSWERS = frozenset(
        {
            slots.ROLE, slots.PERMISSION, slots.NAME, slots.EMAIL, slots.PHONE, slots.CONTACT_PREFERENCE, slots.DATE,
            slots.RECORDED, slots.CHANGE_FIELD,
        }
    )  # fmt: skip

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_complaint_form"

    def help_after_failures(self, slot: str) -> list[str]:
        """Why the question is asked, then an offer to skip it (if it may be skipped) or to stop."""
        field = slots.field_of(slot)
        offer = "utter_complaint_skip_or_stop" if field in answers.SKIPPABLE else "utter_complaint_stop_offer"
        return [f"utter_complaint_why_{field}", offer]

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The questions for this resident: permission only on someone's behalf, a preference only with both."""
        has_email = tracker.get_slot(slots.EMAIL) not in (None, SKIPPED)
        has_phone = tracker.get_slot(slots.PHONE) not in (None, SKIPPED)
        skip = set()
        if tracker.get_slot(slots.ROLE) != "behalf":
            skip.add(slots.PERMISSION)
        if not (has_email and has_phone):
            skip.add(slots.CONTACT_PREFERENCE)
        if tracker.get_slot(slots.CONFIRM) != "change":
            skip.add(slots.CHANGE_FIELD)
        return [slot for slot in domain_slots if slot not in skip]

    async def validate_complaint_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The person affected, a witness, or on someone's behalf (asking again about permission if it changed)."""
        return _also(self.normalised(slots.ROLE, value, dispatcher, tracker), slots.ROLE, slots.PERMISSION)

    async def validate_complaint_permission(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Whether the person affected agreed; without it, say the team will need it."""
        answer = yes_no(str(value or ""))
        if answer == "yes":
            return {slots.PERMISSION: "yes"}
        if answer in ("no", "unsure"):
            dispatcher.utter_message(response="utter_complaint_permission_needed")
            return {slots.PERMISSION: "no"}
        return self.failed(slots.PERMISSION, dispatcher, tracker)

    def _contact(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, *, other_given: bool
    ) -> dict[str, Any]:
        """An e-mail address or phone number; skipping one is only allowed when the other is (or may be) given."""
        if is_skip(str(value or "")):
            if not other_given:
                dispatcher.utter_message(response="utter_complaint_contact_needed")
                return {slot: None}
            return {slot: SKIPPED, slots.CONTACT_PREFERENCE: None}
        return _also(self.normalised(slot, value, dispatcher, tracker), slot, slots.CONTACT_PREFERENCE)

    async def validate_complaint_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An e-mail address (lower case), or skipped unless the phone number was skipped already."""
        other_given = tracker.get_slot(slots.PHONE) != SKIPPED  # the phone is asked next
        return self._contact(slots.EMAIL, value, dispatcher, tracker, other_given=other_given)

    async def validate_complaint_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A UK phone number, or skipped when there is an e-mail address."""
        other_given = tracker.get_slot(slots.EMAIL) not in (None, SKIPPED)
        return self._contact(slots.PHONE, value, dispatcher, tracker, other_given=other_given)

    async def validate_complaint_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A date not in the future ("last Tuesday" is fine); skipped if they don't know."""
        text = str(value or "").strip()
        if is_skip(text):
            return {slots.DATE: SKIPPED, slots.DATE_TEXT: None}
        try:
            day = answers.parse_incident_date(text, today=clock.today())
        except ComplaintError as exc:
            future = "utter_complaint_date_future" if exc.reason == "future" else None
            return self.failed(slots.DATE, dispatcher, tracker, future)
        return {slots.DATE: day.isoformat(), slots.DATE_TEXT: text[:200]}

    async def validate_complaint_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Submit (the form ends) or change something (asks which part)."""
        if value in ("submit", "change"):
            return {slots.CONFIRM: value, slots.CHANGE_FIELD: None}
        return {slots.CONFIRM: None}

    async def validate_complaint_change_field(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Forget the chosen answer so the form asks it again, then reads everything back again."""
        field = answers.field_to_change(str(value or ""))
        if field is None:
            return self.failed(slots.CHANGE_FIELD, dispatcher, tracker)
        slot = slots.slot_of(field)
        failures = {key: count for key, count in (tracker.get_slot(slots.FAILURES) or {}).items() if key != slot}
        changes: dict[str, Any] = {slot: None, slots.CHANGE_FIELD: None, slots.CONFIRM: None, slots.FAILURES: failures}
        changes.update(dict.fromkeys(_CHANGED_WITH.get(slot, ()), None))
        return changes
