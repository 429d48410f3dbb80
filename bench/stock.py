"""The stock bot: the project `rasa init` creates, trained and served by the same Rasa install."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.measure import BotResult, exercise
from bench.procs import BenchError, run_timed, stop_group
from bot.settings import Settings
from bot.stack import free_port
from bot.supervisor import wait_for_url

STARTUP_TIMEOUT_SECONDS = 300.0


def _rasa() -> str:
    return str(Settings.from_env().rasa_bin)


def _env(cache_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_CACHE_DIRECTORY": str(cache_dir),
    }


def template_dir() -> Path:
    """The scaffold `rasa init` copies (rasa/cli/initial_project in the Rasa install)."""
    rasa_python = Path(_rasa()).parent / "python"
    found = subprocess.run(
        [str(rasa_python), "-c", "import rasa, os; print(os.path.dirname(rasa.__file__))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    template = Path(found.stdout.strip()) / "cli" / "initial_project"
    if not (template / "domain.yml").is_file():
        raise BenchError(f"no `rasa init` template at {template}")
    return template


def create(project: Path) -> None:
    """Create the stock project: what `rasa init --no-prompt` does before it trains (copy the template)."""
    shutil.copytree(template_dir(), project, ignore=shutil.ignore_patterns("__pycache__"))


def train(project: Path, cache_dir: Path, log_path: Path) -> tuple[Path, float]:
    """Train the stock project from scratch; returns (model, seconds)."""
    models = project / "models"
    command = [_rasa(), "train", "--out", str(models), "--fixed-model-name", "stock", "--force"]
    seconds = run_timed(command, cwd=project, env=_env(cache_dir), log_path=log_path)
    return models / "stock.tar.gz", seconds


def run(project: Path, model: Path, result: BotResult, messages: int, concurrency: int, logs: Path) -> None:
    """Serve the stock model with `rasa run` (REST channel, in-memory tracker), measure it, and stop it."""
    port = free_port()
    command = [
        _rasa(), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port),
        "--credentials", "credentials.yml",
    ]  # fmt: skip
    print("  stock: starting `rasa run`…", flush=True)
    with (logs / "stock-run.log").open("wb") as log:
        start = time.monotonic()
        process = subprocess.Popen(
            command, cwd=project, env=_env(project / ".rasa"), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        started = wait_for_url(f"http://127.0.0.1:{port}/", STARTUP_TIMEOUT_SECONDS, lambda: process.poll() is None)
        if not asyncio.run(started):
            raise BenchError(f"the stock bot did not start; see {logs / 'stock-run.log'}")
        result.startup_seconds = time.monotonic() - start
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        exercise(result, url, {"rasa": process.pid}, messages, concurrency)
    finally:
        stop_group(process)
