"""Typed feedback as the `helpful` entity: what the words say, negations first, an interjection no negation.

Runs tests/rasa_addons/feedback_entities_probe.py with the Rasa environment's Python (pytest runs in `.venv`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rasa_addons.probes import run_probe

PROBE = Path(__file__).with_name("feedback_entities_probe.py")

SAID = {
    "that was useless": "false",
    "not helpful": "false",
    "it didn't help at all": "false",
    "no help at all": "false",
    "no good": "false",
    "no use whatsoever": "false",
    "wasn't what i needed, not useful": "false",
    "really helpful thanks": "true",
    "great, that answered it": "true",
    # "no" as an interjection, and "not bad", deny nothing: they were answered "not helpful" before.
    "no it was really helpful": "true",
    "no complaints very helpful": "true",
    "not bad really helpful": "true",
    "wasn't bad at all useful": "true",
    "thanks": None,
}


@pytest.fixture(scope="module")
def said() -> dict[str, str | None]:
    return run_probe(PROBE, *SAID)


@pytest.mark.parametrize(("text", "helpful"), SAID.items())
def test_typed_feedback_is_read_as_its_words_say(said, text, helpful):
    assert said[text] == helpful
