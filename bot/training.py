"""Training with a fingerprint: a model is retrained only when what it is made of has changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from bot.settings import Settings

# What a trained model depends on: the training data, the domain, the pipeline, our NLU components and the
# Rasa environment, the sentence encoder's weights included.
FINGERPRINT_INPUTS = (
    "config.yml", "domain.yml", "data", "rasa_addons", "requirements/rasa.txt", "requirements/rasa-encoder.txt",
)  # fmt: skip
MODEL_PREFIX = "bot-"
# Code in rasa_addons/ that the Rasa server runs beside the model, never inside it (the tracker store and the
# form answers it stores as placeholders, the lock store, the redaction it shares with our logs, the launcher and
# its speed-ups): changing it needs no training. tests/test_training.py checks this against config.yml's imports.
NOT_IN_MODEL = (
    "rasa_addons/tracker_store.py", "rasa_addons/tracker_tables.py", "rasa_addons/tracker_cache.py",
    "rasa_addons/tracker_plan.py", "rasa_addons/stored_events.py", "rasa_addons/form_answers.py",
    "rasa_addons/lock_store.py",
    "rasa_addons/redaction.py", "rasa_addons/log_redaction.py", "rasa_addons/forgetting.py",
    "rasa_addons/runtime/",
)  # fmt: skip


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for name in FINGERPRINT_INPUTS:
        path = root / name
        if path.is_dir():
            found.extend(
                p for p in path.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
                and not p.relative_to(root).as_posix().startswith(NOT_IN_MODEL)
            )  # fmt: skip
        elif path.is_file():
            found.append(path)
    return sorted(found)


def fingerprint(root: Path) -> str:
    """A hash of every file the model is trained from, names included."""
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    """Where the model for the current training data is (or will be)."""
    return settings.models_dir / f"{MODEL_PREFIX}{fingerprint(settings.project_root)}.tar.gz"


def current_model(settings: Settings) -> Path:
    """The model to serve: the pinned one (BOT_MODEL) or the one for the current training data."""
    return settings.model or model_path(settings)


def rasa_env(settings: Settings) -> dict[str, str]:
    """The environment for Rasa commands: our NLU component importable, telemetry off."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(settings.project_root), env.get("PYTHONPATH")]))
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def train_command(settings: Settings, target: Path) -> list[str]:
    """The `rasa train` command that writes the model to target (run it from the project root)."""
    return [
        str(settings.rasa_bin), "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--out", str(target.parent), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip


def train(settings: Settings, *, force: bool = False) -> tuple[Path, bool]:
    """Train unless a model with the current fingerprint exists; returns (model, trained)."""
    target = model_path(settings)
    if target.exists() and not force:
        return target, False
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    # Rasa writes its archive in place as it goes: a training stopped part way (Ctrl-C, a crash) would leave a
    # truncated file under the model's name, taken as up to date from then on. So train under a name of this
    # process's own (never MODEL_PREFIX: no other training deletes it) and rename it once complete.
    name = target.name.removeprefix(MODEL_PREFIX).removesuffix(".tar.gz")
    partial = settings.models_dir / f"training-{name}-{os.getpid()}.tar.gz"
    try:
        subprocess.run(train_command(settings, partial), cwd=settings.project_root, env=rasa_env(settings), check=True)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    keep = {target, (settings.model or target).resolve()}  # BOT_MODEL: the release being served (or rolled back to)
    for old in settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target and old.resolve() not in keep:
            old.unlink()  # stale models only take disk space; the fingerprint names the right one
    return target, True
