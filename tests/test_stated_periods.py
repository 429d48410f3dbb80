"""The retention periods the assistant states to residents are the ones the settings put in force."""

import subprocess
import sys
from dataclasses import replace

import pytest

from bot import stated_periods
from bot.settings import PROJECT_ROOT, Settings

DOMAIN = PROJECT_ROOT / "domain.yml"


def test_the_default_settings_are_what_the_assistant_says():
    assert stated_periods.mismatches(Settings(), DOMAIN) == []


@pytest.mark.parametrize(
    ("setting", "value", "response"),
    [
        ("retain_conversations_days", 14, "utter_greet"),
        ("retain_alerts_days", 45, "utter_case_status_intro"),
        ("retain_lost_reports_days", 90, "utter_lost_item_no_match"),
        ("retain_lost_margin_days", 20, "utter_lost_item_no_match"),
        ("retain_complaints_days", 2000, "utter_complaint_intro"),  # not whole years: never said right
        ("retain_complaints_days", 7 * 365, "utter_complaint_intro"),
    ],
)
def test_a_period_the_words_do_not_state_is_named(setting, value, response):
    [problem] = stated_periods.mismatches(replace(Settings(), **{setting: value}), DOMAIN)
    assert problem.startswith(response) and f"BOT_{setting.upper()}" in problem


@pytest.mark.parametrize("command", ["run", "web", "scale-demo"])
def test_no_way_of_starting_it_starts_with_a_period_the_assistant_does_not_state(tmp_path, command):
    env = {"BOT_VAR_DIR": str(tmp_path), "BOT_RETAIN_ALERTS_DAYS": "45", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "bot", command], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert 'utter_case_status_intro in domain.yml does not say "45 days"' in result.stderr
