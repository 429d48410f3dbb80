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


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for name in FINGERPRINT_INPUTS:
        path = root / name
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
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
    subprocess.run(train_command(settings, target), cwd=settings.project_root, env=rasa_env(settings), check=True)
    for old in settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()  # stale models only take disk space; the fingerprint names the right one
    return target, True
