"""Staff passwords: Argon2id hashes, checked off the event loop on a small pool of threads.

An Argon2 check takes tens of milliseconds of CPU and a lot of memory on purpose. Run on the event loop, a few
sign-ins a second would stall every resident's chat; so the async functions here hand the work to at most
PASSWORD_THREADS threads (argon2-cffi releases the GIL while it hashes), and the loop keeps answering.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
# One thread per core of the machine the service is sized for; more would only queue inside the CPU, and each
# running check holds Argon2's memory (64 MiB by default).
PASSWORD_THREADS = 2


def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Argon2id hash of a password (blocking: use make_hash from async code)."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash (blocking: use check from async code)."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _executor() -> ThreadPoolExecutor:
    # Made on first use, never at import; its threads are daemon-like workers that end with the process.
    return ThreadPoolExecutor(max_workers=PASSWORD_THREADS, thread_name_prefix="password-check")


async def check(password_hash: str, password: str) -> bool:
    """verify_password on the password threads, so the event loop stays free while Argon2 works."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), verify_password, password_hash, password)


async def make_hash(password: str) -> str:
    """hash_password on the password threads."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), hash_password, password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Made on first use, not at import: hashing takes a noticeable moment.
    return hash_password("no account has this password")


async def check_nothing(password: str) -> None:
    """Spend one password check's time on a dummy hash, so a refusal takes as long as a real check."""
    dummy = await asyncio.get_running_loop().run_in_executor(_executor(), _dummy_hash)
    await check(dummy, password)
