"""`purge` and `subject export|erase`, run as the office would: python -m bot ..."""

import asyncio
import json
import subprocess
import sys

from bot.db.engine import run_once
from bot.services.clock import today
from bot.services.complaints import tickets
from bot.services.complaints.details import ComplaintDetails
from bot.services.lost_property.reports import create_report
from bot.services.lost_property.search import LostQuery
from bot.settings import PROJECT_ROOT, Settings


def _bot(*args, env_dir, **env):
    full_env = {"BOT_VAR_DIR": str(env_dir), "PATH": "/usr/bin:/bin", **env}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=full_env,
                          capture_output=True, text=True)  # fmt: skip


def _held(tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    settings = Settings.from_env({"BOT_VAR_DIR": str(tmp_path)})

    async def add(session):
        details = ComplaintDetails(complainant_role="affected", name="Zebedee Quux", narrative="PC Smith pushed me",
                                   email="zebedee@example.org")  # fmt: skip
        complaint, _ = await tickets.create(session, details, sender_id="chat-1", key="k1")
        query = LostQuery("phones", "iphone", "", "Watford", today())
        report = await create_report(session, query, contact_name="Zebedee Quux", contact="zebedee@example.org",
                                     actor="test")  # fmt: skip
        return complaint.reference, report.reference

    return asyncio.run(run_once(settings, add))


def test_subject_export_prints_one_json_document(tmp_path):
    complaint, report = _held(tmp_path)
    result = _bot("subject", "export", "Zebedee@Example.org", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [c["reference"] for c in document["complaints"]] == [complaint]
    assert [r["reference"] for r in document["lost_reports"]] == [report]
    assert "zebedee" not in result.stderr.lower()


def test_subject_erase_says_what_it_removed_and_what_it_kept(tmp_path):
    complaint, report = _held(tmp_path)
    result = _bot("subject", "erase", "zebedee@example.org", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"removed: lost report {report}: deleted" in result.stdout
    assert f"kept: complaint {complaint} is still being handled (new)" in result.stdout
    again = _bot("subject", "erase", "zebedee@example.org", env_dir=tmp_path)
    assert "kept: complaint" in again.stdout and "removed" not in again.stdout


def test_subject_needs_an_email_or_a_phone_number(tmp_path):
    result = _bot("subject", "export", "Zebedee Quux", env_dir=tmp_path)
    assert result.returncode == 2
    assert "give an e-mail address or a UK phone number" in result.stderr


def test_purge_prints_what_it_removed(tmp_path):
    _held(tmp_path)
    kept = _bot("purge", env_dir=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "lost reports: 0" in kept.stdout and "forms left idle, values removed: 0" in kept.stdout
    removed = _bot("purge", env_dir=tmp_path, BOT_RETAIN_LOST_REPORTS_DAYS="0")
    assert "lost reports: 1" in removed.stdout and "complaints anonymised: 0" in removed.stdout
    forms_only = _bot("purge", "--forms-only", env_dir=tmp_path)
    assert forms_only.stdout.splitlines() == ["forms left idle, values removed: 0"]
