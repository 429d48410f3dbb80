"""Passwords: Argon2id, checked on the password threads rather than the event loop."""

import asyncio
import threading

from argon2 import PasswordHasher

from bot.services.staff import passwords


def test_hash_and_verify():
    hashed = passwords.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed
    assert passwords.verify_password(hashed, "correct horse battery")
    assert not passwords.verify_password(hashed, "wrong horse battery")
    assert not passwords.verify_password("not-a-hash", "anything")


async def test_checks_run_on_the_password_threads_never_on_the_loop(monkeypatch):
    seen = []

    class Recording(PasswordHasher):
        def verify(self, hash, password):
            seen.append(threading.current_thread().name)
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_hasher", lambda: Recording(time_cost=1, memory_cost=1024, parallelism=1))
    hashed = await passwords.make_hash("correct horse battery")
    results = await asyncio.gather(*(passwords.check(hashed, guess) for guess in ["correct horse battery", "nope"] * 4))
    assert results == [True, False] * 4
    assert seen and all(name.startswith("password-check") for name in seen)
    assert threading.current_thread().name not in seen
    assert len(set(seen)) <= passwords.PASSWORD_THREADS


async def test_check_nothing_spends_a_real_check():
    await passwords.check_nothing("anything at all")  # returns nothing, raises nothing: its cost is the point
