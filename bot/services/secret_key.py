"""BOT_SECRET_KEY, the key of every pseudonym: from the setting, or generated into <var_dir>/secret_key (0600).

Production must set BOT_SECRET_KEY (Settings refuses to start without it). On one machine the first process
that needs it writes a random key to var/ and every later one reads the same file; `run` resolves it before
starting the children and passes it to them in BOT_SECRET_KEY. Read lazily, never at import.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.settings import Settings

KEY_FILE = "secret_key"
_current: bytes | None = None


def resolve(settings: Settings) -> str:
    """The configured key, or the one in <var_dir>/secret_key (created with a random key if missing)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.var_dir / KEY_FILE
    if not path.exists():
        _create(path)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to have a new key made, or set BOT_SECRET_KEY")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a file of our own (0600: only this user reads it), then linked into place: a process
    # starting at the same moment never reads a half-written or empty key, and only one key is ever linked.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process linked its key first: everyone uses that one
    finally:
        draft.unlink(missing_ok=True)


def current() -> bytes:
    """The key of this process (resolved from the environment's settings on first use)."""
    global _current
    if _current is None:
        _current = resolve(Settings.from_env()).encode()
    return _current


def use(key: str) -> None:
    """Make this the key of this process (a test, or a process given its settings rather than the environment)."""
    global _current
    _current = key.encode()
