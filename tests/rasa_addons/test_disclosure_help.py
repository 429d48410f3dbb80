"""rasa_addons.disclosure_help through the project's trained rule policy: a disclosure's help after the topic's answer.

Runs tests/rasa_addons/disclosure_help_probe.py with the Rasa environment's Python (pytest runs in `.venv`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.rasa_addons.probes import run_probe

PROBE = Path(__file__).with_name("disclosure_help_probe.py")


@pytest.fixture(scope="module")
def chosen() -> dict[str, Any]:
    """What the probe's trained rule policy chose for each turn."""
    return run_probe(PROBE, timeout=600)


def test_a_topic_kept_over_a_disclosure_is_answered_then_the_harms_help_follows_then_it_waits(chosen):
    assert chosen["topic_then_help"] == ["utter_compensation", "utter_support_assault", "action_listen"]


def test_without_owed_help_the_rules_answer_as_before(chosen):
    assert chosen["topic_alone"] == ["utter_compensation", "action_listen"]
    assert chosen["harm_alone"] == ["utter_support_assault", "action_listen"]  # the harm's own intent: once


def test_the_help_waits_until_every_answer_of_the_topic_was_given(chosen):
    assert chosen["two_answers_then_help"] == [
        "utter_found_property", "utter_found_property_not_accepted", "utter_domestic_abuse", "action_listen",
    ]  # fmt: skip


def test_the_next_message_is_answered_as_usual(chosen):
    assert chosen["after_help_next_message"] == ["utter_thank", "action_listen"]


def test_no_help_is_added_inside_a_form_or_for_a_response_the_domain_lacks(chosen):
    assert chosen["in_a_form"] is None  # the form asks its question; it takes the answer as before
    assert chosen["unknown_help"] == ["utter_compensation", "action_listen"]


def test_the_help_is_the_harms_own_response_and_a_stored_placeholder_owes_none(chosen):
    assert chosen["help_response"] == "utter_not_coping"
    assert chosen["no_help_response"] is None  # what the tracker store keeps of a disclosure's risk
