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
CLIENT = "client:5f0c9a8e7d6b4a3c2b1a0f9e8d7c6b5a"  # the probe's client pseudonym


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

    # The read-back is stored as its template with a placeholder for each answer, however short, in its text and
    # in the action's summary; no stored message keeps an answer (the form's slots hold them while it runs).
    echo = report["read_back"]
    summary = "- Your name: [name]\n- Where: [answer]\n- Who was involved: [answer]\n- Witnesses: [answer]"
    [read_back] = [row for row in echo["rows"] if row["event"] == "bot"]
    assert read_back["text"] == (
        f"Here's your complaint. Please check it:\n{summary}\nShall I send it to the Complaint Resolution Team?"
    )
    assert read_back["metadata"]["summary"] == summary
    messages = json.dumps([row for row in echo["rows"] if row["event"] != "slot"])
    assert not [value for value in ("Amy", "M25", "Bob", "Zed") if value in messages]
    # The relay's pseudonym of the client's address reaches this turn's actions, is stored nowhere (not with the
    # message, not in Rasa's session_started_metadata slot), and a replica loading the tracker never sees it.
    assert echo["live"]["client"] == CLIENT
    assert CLIENT not in json.dumps(echo["rows"])
    assert echo["loaded"] == {"message_id": "3f2a9c0d1e4b5a6978877f6e5d4c3b2a"}

    # A forgotten conversation is never stored again, even by a tracker handed out before the forget.
    assert report["forgotten"] == {"rows": [], "retrieved": True}
    # Deleted meanwhile (retention, erasure): only the new turn is stored, nothing deleted comes back.
    assert report["removed_meanwhile"]["texts"] == ["second message"]
    # Two replicas on one database see each other's turns: a cached copy is checked before use.
    assert report["replicas"] == {"first_sees": ["one", "two"], "stored": ["one", "two", "three"]}
    # Both read one version and both saved (a lapsed lock ticket): each replica then sees both turns, and the
    # count of stored events is the database's (the second writer's tracker never held the first's turn).
    both = report["both_read"]
    expected = ["hello", "turn of the first", "turn of the second"]
    assert both["first"] == expected and both["second"] == expected
    assert both["stored"] == both["rows"] - 1  # every row from the session's start (after action_session_start)
    # The second had started a new session (its own expired) and saved first: the session is the newer one,
    # the first's turn is stored after it, and the old session's "hello" is loaded by neither.
    both = report["both_read_new_session"]
    assert both["first"] == both["second"] == ["turn of the second", "turn of the first"]
    assert both["first_starts"] == both["second_starts"] == "session_started"
    assert both["stored"] == both["rows"] - 5  # the old session's 4 rows and the new one's action_session_start

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


def test_a_purge_between_a_saves_read_and_its_write_leaves_the_new_turn_stored_and_found(settings):
    """The purge deletes the conversation while its next turn is being saved (a resident back just as it ran)."""
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), str(PROBE.with_name("tracker_store_race_probe.py")),
         settings.sync_database_url],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    race = json.loads(result.stdout.strip().splitlines()[-1])
    if race["dialect"] == "postgresql":
        # The purge went through (the save holds the conversation's lock, not its row): the save is done again
        # and stores only the new turn, with a row of its own, so it is found and the form sweep can find it.
        assert race["purged"] is True
        assert race["stored"] == race["loaded"] == ["a new message"]
    else:  # SQLite: the save holds the write lock, so the purge could not run in between; nothing was lost
        assert race["purged"] is False
        assert race["stored"] == race["loaded"] == ["an old message", "a new message"]
    assert race["head"] is not None
