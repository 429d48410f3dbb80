"""BOT_SECRET_KEY: from the setting, else generated once into var/ (0600); pseudonyms are keyed with it."""

import hashlib
import stat
from dataclasses import replace

import pytest

from bot.services import audit, secret_key
from bot.settings import Settings, SettingsError


def test_the_setting_is_the_key(tmp_path):
    assert secret_key.resolve(replace(Settings(), secret_key="x" * 40, var_dir=tmp_path)) == "x" * 40
    assert not (tmp_path / secret_key.KEY_FILE).exists()


def test_a_local_run_generates_one_key_readable_only_by_its_user(tmp_path):
    settings = replace(Settings(), secret_key="", var_dir=tmp_path / "var")
    first = secret_key.resolve(settings)
    assert len(first) >= 32 and secret_key.resolve(settings) == first
    mode = stat.S_IMODE((tmp_path / "var" / secret_key.KEY_FILE).stat().st_mode)
    assert mode == 0o600


def test_an_empty_key_file_is_an_error_not_a_weak_key(tmp_path):
    (tmp_path / secret_key.KEY_FILE).write_text("\n")
    with pytest.raises(RuntimeError, match="empty"):
        secret_key.resolve(replace(Settings(), secret_key="", var_dir=tmp_path))


def test_production_requires_the_key():
    with pytest.raises(SettingsError, match="BOT_SECRET_KEY"):
        Settings.from_env({"BOT_ENV": "production"})
    with pytest.raises(SettingsError, match="BOT_SECRET_KEY"):
        Settings.from_env({"BOT_ENV": "production", "BOT_SECRET_KEY": "short"})
    assert Settings.from_env({"BOT_ENV": "production", "BOT_SECRET_KEY": "k" * 32}).secret_key == "k" * 32
    with pytest.raises(SettingsError, match="BOT_ENV"):
        Settings.from_env({"BOT_ENV": "staging"})


def test_pseudonyms_depend_on_the_key_and_are_not_the_unkeyed_hash():
    reference = "41/12345/24"
    try:
        secret_key.use("first key " * 4)
        first = audit.pseudonym(reference, purpose="case-ref")
        secret_key.use("second key " * 4)
        second = audit.pseudonym(reference, purpose="case-ref")
    finally:
        secret_key.use(Settings.from_env().secret_key)
    assert first != second and first.startswith("case-ref:") and len(first) == len("case-ref:") + 32
    # Anyone could compute the old label for every reference; without the key nobody can compute these.
    unkeyed = hashlib.sha256(f"case-ref:{reference}".encode()).hexdigest()
    assert unkeyed[:16] not in first and unkeyed[:32] not in first


def test_a_process_starting_while_the_key_is_written_gets_the_same_key_never_an_empty_file(tmp_path, monkeypatch):
    settings = replace(Settings(), secret_key="", var_dir=tmp_path)
    opened, meanwhile = secret_key.os.fdopen, []

    def another_process_starts(descriptor, mode):
        # The key file is being made but nothing is written yet: a second process resolves the key now.
        monkeypatch.setattr(secret_key.os, "fdopen", opened)  # (the second process writes its key undisturbed)
        try:
            meanwhile.append(secret_key.resolve(settings))
        except RuntimeError as exc:
            meanwhile.append(exc)
        return opened(descriptor, mode)

    monkeypatch.setattr(secret_key.os, "fdopen", another_process_starts)
    key = secret_key.resolve(settings)
    assert meanwhile == [key] and secret_key.resolve(settings) == key
    assert [path.name for path in tmp_path.iterdir()] == [secret_key.KEY_FILE]  # no draft left behind
    assert stat.S_IMODE((tmp_path / secret_key.KEY_FILE).stat().st_mode) == 0o600
