"""Every privacy sentence the assistant, the README and the staff pages say matches what the code does.

What each sentence promises is proved where the behaviour is tested (named below); this test ties the
numbers in the words to the settings, so changing one without the other fails.
"""

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = YAML(typ="safe").load((ROOT / "domain.yml").read_text())["responses"]
README = (ROOT / "README.md").read_text()
DEFAULTS = Settings()


def said(response: str) -> str:
    return RESPONSES[response][0]["text"]


def test_the_greeting():
    # Kept for BOT_RETAIN_CONVERSATIONS_DAYS (tests/services/test_retention.py), without the details listed
    # (tests/web/test_privacy_stack.py, tests/rasa_addons/test_redaction.py), deleted at once by the quick exit
    # (tests/web/test_forget.py, tests/browser/test_quick_exit.py).
    text = said("utter_greet")
    assert "this chat is anonymous" in text
    assert f"I keep the conversation for {DEFAULTS.retain_conversations_days} days, without email addresses, " \
           "phone numbers, postcodes, reference numbers or the answers you type into my questions" in text
    assert '"Leave this site" deletes it at once' in text


def test_asking_to_delete_the_chat():
    # The chat cannot delete itself: it says so, and what "Leave this site" and Shift three times do
    # (tests/browser/test_quick_exit.py: storage cleared, the events gone, Back skips the page), and that a sent
    # complaint or lost report is kept (tests/web/test_forget.py).
    text = said("utter_delete_chat")
    assert text.startswith("I can't delete it from inside the chat")
    assert '"Leave this site", at the top of this chat, deletes this conversation at once, from this browser and ' \
           "from our records" in text
    assert "Pressing Shift three times does the same." in text
    assert "A complaint or lost property report you've already sent is kept" in text


def test_the_case_check():
    # tests/web/test_privacy_stack.py: the surname, postcode and reference are nowhere after a check;
    # tests/services/test_secret_key.py: the audit log's reference is a keyed pseudonym;
    # tests/services/test_lookup_alerts.py: an alert (with the reference) needs failures from several clients;
    # tests/services/test_retention.py: the purge deletes it BOT_RETAIN_ALERTS_DAYS after closing or last failure.
    text = said("utter_case_status_intro")
    assert "I only use your surname and postcode for this check and don't keep them afterwards; the record of the " \
           "check holds only a coded form of the reference." in text
    assert "If checks of one reference fail from several different connections (someone may be guessing it), staff " \
           "are shown that reference so they can warn its owner, and it's deleted " \
           f"{DEFAULTS.retain_alerts_days} days after they deal with it, or after the last failed check if they " \
           "haven't." in text


def test_the_complaint_form():
    # Stopped (tests/rasa_addons/test_tracker_store.py, test_privacy_stack.py) or idle for an hour
    # (tests/services/test_retention.py, the sweep); kept six years after closing (test_retention.py).
    text = said("utter_complaint_intro")
    assert "nothing is kept until you press Submit, and if you stop, or leave the chat for an hour, what you typed " \
           "is deleted." in text
    assert DEFAULTS.form_idle_minutes == 60
    assert DEFAULTS.retain_complaints_days == 6 * 365
    assert "keeps your complaint and contact details while they handle it and for 6 years after it's closed" in text


def test_the_lost_property_form():
    # tests/web/test_privacy_stack.py (a search left without a report leaves nothing), test_retention.py.
    assert "What you type is only used for this search and is deleted from our conversation when you finish." in (
        said("utter_lost_item_intro")
    )
    assert f"Staff keep a report and its contact details for {DEFAULTS.retain_lost_reports_days} days, or until " \
           f"{DEFAULTS.retain_lost_margin_days} days after a matching item's disposal date, and then delete them." in (
        said("utter_lost_item_no_match")
    )


@pytest.mark.parametrize(("variable", "default"), [
    ("BOT_RETAIN_CONVERSATIONS_DAYS", DEFAULTS.retain_conversations_days),
    ("BOT_RETAIN_COMPLAINTS_DAYS", DEFAULTS.retain_complaints_days),
    ("BOT_RETAIN_LOST_REPORTS_DAYS", DEFAULTS.retain_lost_reports_days),
    ("BOT_RETAIN_LOST_MARGIN_DAYS", DEFAULTS.retain_lost_margin_days),
    ("BOT_RETAIN_AUDIT_DAYS", DEFAULTS.retain_audit_days),
    ("BOT_RETAIN_ALERTS_DAYS", DEFAULTS.retain_alerts_days),
    ("BOT_FORM_IDLE_MINUTES", DEFAULTS.form_idle_minutes),
])  # fmt: skip
def test_the_readme_gives_each_period_and_its_default(variable, default):
    assert f"| `{variable}` | `{default}` |" in README
