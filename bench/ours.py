"""Our assistant: trained from scratch, then started by bot/stack.py (`python -m bot run`), as in the stack tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import psutil

from bench.measure import BotResult, Extras, exercise
from bench.procs import kill_leftovers, run_timed
from bot.settings import PROJECT_ROOT, Settings
from bot.stack import start_stack
from bot.training import model_path, rasa_env, train_command

# High enough that the per-sender and per-address limits never answer 429 during the load runs.
BENCH_RATE_PER_MINUTE = "1000000"


def settings_for(models_dir: Path) -> Settings:
    """Our settings with the models directory pointed at the bench's own."""
    return Settings.from_env({**os.environ, "BOT_MODELS_DIR": str(models_dir)})


def train(models_dir: Path, cache_dir: Path, log_path: Path) -> tuple[Path, float]:
    """Train our model from scratch into models_dir, as bot/training.py does but forced; returns (model, seconds)."""
    settings = settings_for(models_dir)
    target = model_path(settings)
    command = [*train_command(settings, target), "--force"]
    env = {**rasa_env(settings), "RASA_CACHE_DIRECTORY": str(cache_dir)}  # no cache hits from earlier trainings
    return target, run_timed(command, cwd=PROJECT_ROOT, env=env, log_path=log_path)


def place_model(model: Path, models_dir: Path, result: BotResult) -> None:
    """Put the model where `python -m bot run` will look for it (the name follows the training data's fingerprint)."""
    expected = model_path(settings_for(models_dir))
    if model.resolve() == expected.resolve():
        return
    if model.parent.resolve() == models_dir.resolve():
        result.notes.append("the training data changed while the bench ran; measured the model trained at its start")
    models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(model, expected)


def _services(supervisor: psutil.Process) -> dict[str, int]:
    """The supervisor's three children by name: rasa, actions, web."""
    found: dict[str, int] = {}
    for child in supervisor.children():
        command = child.cmdline()
        if "rasa_sdk" in command:
            found["actions"] = child.pid
        elif command[-2:] == ["bot", "web"]:
            found["web"] = child.pid
        elif "rasa_addons.runtime.server" in command or ("run" in command and any(
                p.endswith("/rasa") for p in command)):
            found["rasa"] = child.pid
    return found


def run(
    work_dir: Path, models_dir: Path, result: BotResult, messages: int, concurrency: int, logs: Path,
    extras: Extras | None = None,
) -> None:  # fmt: skip
    """Start the stack on a fresh database and free ports, measure it, and stop every process it started."""
    work_dir.mkdir(parents=True, exist_ok=True)
    # The load comes from loopback with each resident's address in X-Forwarded-For (bench/scenarios.py).
    env = {"BOT_MODELS_DIR": str(models_dir), "BOT_CHAT_RATE_PER_MINUTE": BENCH_RATE_PER_MINUTE,
           "BOT_TRUSTED_PROXIES": "127.0.0.1"}  # fmt: skip
    print("  ours: starting `python -m bot run`…", flush=True)
    try:
        stack = start_stack(work_dir, env)  # db upgrade + demo-data, then run; returns on "Everything is running"
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        if (work_dir / "stack.log").is_file():
            shutil.copyfile(work_dir / "stack.log", logs / "ours-stack.log")
        raise RuntimeError(f"the stack did not start; see {logs / 'ours-stack.log'}") from exc
    ready = time.time()
    supervisor = psutil.Process(stack.process.pid)
    everything = [supervisor, *supervisor.children(recursive=True)]
    try:
        result.startup_seconds = ready - supervisor.create_time()
        pids = _services(supervisor)
        missing = {"rasa", "actions", "web"} - set(pids)
        if missing:
            result.notes.append(f"could not find the process of: {', '.join(sorted(missing))}")
        url = f"http://127.0.0.1:{stack.settings.web_port}/api/chat"
        exercise(result, url, pids, messages, concurrency, extras)
    finally:
        code = stack.stop()
        if kill_leftovers(everything):
            result.notes.append("some of our processes outlived the supervisor and were killed")
        shutil.copyfile(stack.log_path, logs / "ours-stack.log")
        if code not in (0, None):
            result.notes.append(f"`python -m bot run` exited with code {code} when stopped")
