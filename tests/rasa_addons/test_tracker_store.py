"""The tracker store (rasa_addons/tracker_store.py), run by Rasa's Python on each backend: what it stores.

The probe (tracker_store_probe.py) drives the store the way Rasa's processor does and reports the rows;
these tests check them. See tests/web/test_privacy_stack.py for the store under the real Rasa server.
"""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("tracker_store_probe.py")


@pytest.fixture
def report(settings):
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), str(PROBE), settings.sync_database_url],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _texts(rows, event="user"):
    return [row.get("text") for row in rows if row["event"] == event]


def _slots(rows, name):
    return [row["value"] for row in rows if row["event"] == "slot" and row["name"] == name]


def test_the_store(report):
    """One probe run per backend, checked scenario by scenario (starting Rasa's Python takes a while)."""
    form = report["form_values"]
    # While the form runs: its values are stored (the form needs them), the answers typed are placeholders.
    assert _slots(form["during"], "complaint_name") == ["Zebedee Quux"]
    assert form["kept_for_the_form"] == "Zebedee Quux"
    assert _texts(form["during"]) == ["I want to complain", "[name]", "[answer]"]
    assert _texts(form["during"], "bot")[-1] == "- Your name: [name]\n- What happened: [answer]"
    # Once the form is stopped: no value is left anywhere, and the conversation carries on from what is stored.
    assert "Zebedee" not in json.dumps(form["after"]) and "07700" not in json.dumps(form["after"])
    assert _slots(form["after"], "complaint_name") == [None, None]
    assert _slots(form["after"], "complaint_reference") == ["[complaint-ref]"]
    assert form["slot_after"] is None

    # A forgotten conversation is never stored again, even by a tracker handed out before the forget.
    assert report["forgotten"] == {"rows": [], "retrieved": True}
    # Deleted meanwhile (retention, erasure): only the new turn is stored, nothing deleted comes back.
    assert report["removed_meanwhile"]["texts"] == ["second message"]
    # Two replicas on one database see each other's turns: a cached copy is checked before use.
    assert report["replicas"] == {"first_sees": ["one", "two"], "stored": ["one", "two", "three"]}

    # A new session: the old session's form values go, and only the new session is loaded.
    sessions = report["sessions"]
    assert _slots(sessions["rows"], "case_surname") == [None]
    assert _texts(sessions["rows"]) == ["any update on my case", "[surname]", "hello again"]
    assert sessions["loaded_types"] == ["session_started", "action", "user"]

    # Rows stored by Rasa's own SQL store are continued, not stored again.
    assert _texts(report["legacy"]["rows"]) == ["stored by the old store", "my email is [email]"]

    # A save that starts while a forget holds the lock waits for the forget's commit, then stores nothing.
    assert report["concurrent_forget"] == {"waited": True, "after_commit": True, "rows": []}

    # Conversations saved at once from threads, each tracker twice: every event is stored once; no writer refused.
    for sender, stored in report["parallel_saves"].items():
        assert _texts(stored) == ["hello", f"second message of {sender}"], sender
    assert len(report["parallel_saves"]) == 12

    dropped = report["dropped_connection"]
    if report["dialect"] == "postgresql":
        # A connection lost before the commit (a restart): tried again, and the turn is stored once.
        assert dropped["retried"] == {"inserts": 2, "texts": ["hello", "my answer to the question"], "raised": ""}
    else:  # SQLite has no connection to lose: the error is Rasa's to handle, as before
        assert dropped["retried"] == {"inserts": 1, "texts": ["hello"], "raised": "OperationalError"}
    # Lost during the commit: it may have been stored, so it is not done again (a turn twice would be worse).
    assert dropped["commit"] == {"raised": "CommitUnknown", "commits": 1}
