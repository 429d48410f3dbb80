"""A form's answers: the slots that hold them, their placeholders, and the responses that repeat them.

Standard library only, like rasa_addons.stored_events, which stores every event through it. A response that
repeats what a resident typed (the complaint's read-back) is stored as its domain.yml template filled with
placeholders instead of the answers: nothing is looked for in the text, so an answer of any length goes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Questions whose whole answer is personal data, and the placeholder that replaces it.
PERSONAL_ANSWERS: dict[str, str] = {
    "case_reference": "[crime-ref]",
    "case_surname": "[surname]",
    "case_postcode": "[postcode]",
    "lost_contact_name": "[name]",
    "lost_contact": "[contact]",
    "complaint_name": "[name]",
    "complaint_email": "[email]",
    "complaint_phone": "[phone]",
    "complaint_status_reference": "[complaint-ref]",
    "complaint_status_email": "[email]",
}
ANSWER = "[answer]"  # any other answer typed into a form

# Every slot that holds what a resident typed into a form, or what was worked out from it: each form's
# questions (domain.yml `forms:`) and the slots the forms' actions fill beside them. A test checks that this
# covers every form's questions and that none of them influences the conversation (removing a value that
# was replaced cannot change a prediction).
FORM_SLOTS: frozenset[str] = frozenset({
    "case_reference", "case_surname", "case_postcode",
    "lost_item", "lost_item_details", "lost_place", "lost_date", "lost_category",
    "lost_contact_name", "lost_contact",
    "complaint_role", "complaint_permission", "complaint_name", "complaint_email", "complaint_phone",
    "complaint_contact_preference", "complaint_narrative", "complaint_date", "complaint_location",
    "complaint_people", "complaint_injury", "complaint_witnesses", "complaint_references", "complaint_outcome",
    "complaint_recorded", "complaint_change_field", "complaint_confirm", "complaint_date_text",
    "complaint_status_reference", "complaint_status_email",
})  # fmt: skip

# Responses whose actions pass them what a resident typed, and how each such argument is stored: a placeholder,
# or READ_BACK (the answer on each line a placeholder). A template that names a form slot (Rasa fills it from
# the slot) repeats an answer too: echo_templates finds those, and the slot's placeholder fills it.
READ_BACK = "read-back"
ECHOES: dict[str, dict[str, str]] = {
    "utter_complaint_read_back": {"summary": READ_BACK},  # every answer of the complaint form
    "utter_case_reference_other_force": {"force_code": ANSWER},  # the start of the reference typed
    "utter_complaint_status_found": {"reference": "[complaint-ref]"},  # the reference typed
    # What a verified victim is told of their case (police records about them, and the officer) is theirs to see,
    # not the stored conversation's: only the general status text stays.
    "utter_case_status_found": {"offence": "[offence]", "reported_on": "[date]", "status_detail": "[case-detail]",
                                "updated_on": "[date]"},
    "utter_case_status_officer": {"officer_name": "[officer]", "officer_contact": "[officer-contact]"},
}
# The read-back's lines, "- question: answer" (actions/complaints/read_back.py LABELS), and each question's slot.
READ_BACK_LINES: dict[str, str] = {
    "Who is complaining": "complaint_role", "Their permission": "complaint_permission", "Your name": "complaint_name",
    "Email": "complaint_email", "Phone": "complaint_phone", "Best way to contact you": "complaint_contact_preference",
    "What happened": "complaint_narrative", "When": "complaint_date", "Where": "complaint_location",
    "Who was involved": "complaint_people", "Injury or damage": "complaint_injury",
    "Witnesses": "complaint_witnesses", "Reference numbers": "complaint_references",
    "The outcome you want": "complaint_outcome", "Formally recorded": "complaint_recorded",
}  # fmt: skip
FIELD = re.compile(r"{([^\n{}]+?)}")  # a {name} Rasa fills in a response's text (rasa.core.nlg.interpolator)
Templates = Mapping[str, tuple[str, ...]]  # echo_templates: response name -> the texts of its variations


def echo_templates(responses: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The texts of each response (domain.yml `responses:`) that repeats typed answers, by name."""
    found = {}
    for name, variations in responses.items():
        texts = tuple(str(variation.get("text") or "") for variation in variations or () if isinstance(variation, dict))
        if name in ECHOES or any(field in FORM_SLOTS for text in texts for field in FIELD.findall(text)):
            found[name] = texts
    return found


def echo(event: dict[str, Any], values: Mapping[str, Any], templates: Templates) -> tuple[str, dict[str, Any]] | None:
    """A message repeating typed answers as stored: its template filled with placeholders, and its arguments.

    `values`: the form slots' current values. None for any other message.
    """
    metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
    name = metadata.get("utter_action")  # the response Rasa filled, with the action's arguments beside it
    if not isinstance(name, str) or (name not in ECHOES and name not in templates):
        return None
    arguments = {argument: _read_back(str(metadata[argument])) if how == READ_BACK else how
                 for argument, how in ECHOES.get(name, {}).items() if argument in metadata}  # fmt: skip
    typed = {**dict.fromkeys(FORM_SLOTS), **values}
    placeholders = {slot: PERSONAL_ANSWERS.get(slot, ANSWER) for slot in FORM_SLOTS}
    for template in templates.get(name, ()):
        if _fill(template, {**typed, **metadata}) == event.get("text"):  # the variation Rasa chose
            return _fill(template, {**placeholders, **metadata, **arguments}) or ANSWER, arguments
    return ANSWER, arguments  # no template of the domain gives this text: none of it is kept


def _fill(template: str, values: Mapping[str, Any]) -> str | None:
    """The template filled as Rasa fills it (None when it names a value not given)."""
    try:
        return FIELD.sub(r"{0[\1]}", template).format(values)
    except (KeyError, IndexError, ValueError):
        return None


def _read_back(summary: str) -> str:
    """The read-back with each answer its question's placeholder (an answer's further lines go with it)."""
    lines: list[str] = []
    for line in summary.splitlines():
        question = line[2:].partition(": ")[0] if line.startswith("- ") else ""
        if question in READ_BACK_LINES:
            lines.append(f"- {question}: {PERSONAL_ANSWERS.get(READ_BACK_LINES[question], ANSWER)}")
        elif not lines:
            lines.append(ANSWER)
    return "\n".join(lines)
