"""The retention periods the assistant tells residents (domain.yml) must be the ones in force (the settings).

A response's words are fixed at training time while the periods are settings, so a deployment that changes one
without the other would tell residents something untrue: `run` refuses to start then, naming both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from bot.settings import Settings


def _days(days: int) -> str:
    return f"{days} days"


def _years(days: int) -> str:
    # Only whole years are said in years; any other number of days has no phrase, so it cannot match.
    return f"{days // 365} years" if days % 365 == 0 else f"{days} days (not whole years)"


@dataclass(frozen=True)
class Stated:
    """A response that states a period, the setting that decides it, and how the period is said."""

    response: str
    setting: str
    phrase: Callable[[int], str] = _days


STATED = (
    Stated("utter_greet", "retain_conversations_days"),
    Stated("utter_case_status_intro", "retain_alerts_days"),
    Stated("utter_lost_item_no_match", "retain_lost_reports_days"),
    Stated("utter_lost_item_no_match", "retain_lost_margin_days"),
    Stated("utter_complaint_intro", "retain_complaints_days", _years),
)


def mismatches(settings: Settings, domain_path: Path) -> list[str]:
    """One line per stated period that differs from its setting (empty when the words are true)."""
    responses = (YAML(typ="safe").load(domain_path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    problems = []
    for stated in STATED:
        phrase = stated.phrase(getattr(settings, stated.setting))
        texts = [str(variation.get("text", "")) for variation in responses.get(stated.response) or []]
        said = re.compile(rf"(?<!\d){re.escape(phrase)}")  # "20 days" is not said by "120 days"
        if not texts or not all(said.search(text) for text in texts):
            variable = f"BOT_{stated.setting.upper()}"
            problems.append(f"{stated.response} in domain.yml does not say \"{phrase}\", which {variable} sets")
    return problems
