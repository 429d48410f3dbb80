"""rasa_addons.past_states and rasa_addons.dialogue_policies: the same states as Rasa's, built once per event.

Runs tests/rasa_addons/past_states_probe.py with the Rasa environment's Python (pytest runs in `.venv`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rasa_addons.probes import run_probe

PROBE = Path(__file__).with_name("past_states_probe.py")


@pytest.fixture(scope="module")
def seen() -> dict:
    return run_probe(PROBE)


def test_every_story_gives_rasas_states_after_every_event_rewinds_restarts_and_late_entities_included(seen):
    # Every conversation test story and training story, three ways (as written, as served, disrupted), compared
    # after every event and after every fifth, for both policies' flags and through both policies.
    assert seen["stories"] >= 60
    assert seen["compared"] > 30_000
    assert seen["differences"] == []


def test_a_long_conversation_builds_each_state_once_instead_of_every_state_at_every_prediction(seen):
    work = seen["work"]
    # One state per action kept, plus the current state at each prediction (here one after every event)...
    assert work["ours"] == work["actions"] + work["events"]
    # ...where Rasa's way builds every earlier state again each time: quadratic in the conversation's length.
    assert work["rasa"] > 50 * work["ours"]
