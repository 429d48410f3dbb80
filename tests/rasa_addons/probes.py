"""Running a probe script with the Rasa environment's Python (pytest runs in `.venv`) and reading its answer."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT, Settings
from bot.training import rasa_env


def run_probe(probe: Path, *args: str, timeout: float = 300) -> dict[str, Any]:
    """Run `probe ARGS` from the project root in the Rasa environment; the JSON object on its last line."""
    settings = Settings.from_env()
    python = settings.rasa_bin.parent / "python"
    assert python.exists(), f"{python} is missing: `make setup` creates the Rasa environment"
    done = subprocess.run(
        [str(python), str(probe), *args], cwd=PROJECT_ROOT, env=rasa_env(settings), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
