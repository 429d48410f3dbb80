"""`python -m bot cases import`: summary, bad lines with their numbers, exit status, atomic on bad files."""

import subprocess
import sys

from bot.services.cases.importer import COLUMNS
from bot.settings import PROJECT_ROOT

GOOD = "41/10234/26,Burglary (dwelling),2026-10-03,Smith,AL1 3AB,under_investigation,,DC Sharma,Call 101,2026-11-14"
BAD = "41/10235/26,Burglary (dwelling),2026-10-03,Jones,NOWHERE,recorded,,,,2026-11-14"


def _bot(*args, env_dir):
    env = {"BOT_VAR_DIR": str(env_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )


def test_import_reports_bad_lines_loads_good_ones_and_upserts(tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    export = tmp_path / "export.csv"
    export.write_text("\n".join([",".join(COLUMNS), GOOD, BAD]) + "\n")

    first = _bot("cases", "import", str(export), env_dir=tmp_path)
    assert first.returncode == 1  # some rows were refused
    assert "1 new, 0 updated, 0 unchanged, 1 bad row(s)" in first.stdout
    assert "line 3: postcode is missing or not a UK postcode" in first.stderr
    assert "Jones" not in first.stdout + first.stderr and "NOWHERE" not in first.stdout + first.stderr

    export.write_text("\n".join([",".join(COLUMNS), GOOD.replace("under_investigation", "charged")]) + "\n")
    second = _bot("cases", "import", str(export), env_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0 new, 1 updated, 0 unchanged, 0 bad row(s)" in second.stdout


def test_an_unreadable_file_imports_nothing(tmp_path):
    assert _bot("db", "upgrade", env_dir=tmp_path).returncode == 0
    export = tmp_path / "export.csv"
    export.write_bytes(("\n".join([",".join(COLUMNS), GOOD]) + "\n\xff").encode("latin-1"))
    result = _bot("cases", "import", str(export), env_dir=tmp_path)
    assert result.returncode == 2
    assert "nothing was imported" in result.stderr
    missing = _bot("cases", "import", str(tmp_path / "missing.csv"), env_dir=tmp_path)
    assert missing.returncode == 2
