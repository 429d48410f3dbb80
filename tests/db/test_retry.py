"""Retrying a unit of work after a lost connection: transient errors are retried, others are not."""

import asyncpg
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import retry


def _lost():
    return OperationalError("SELECT 1", {}, ConnectionResetError("connection reset"))


def test_which_errors_are_transient():
    assert retry.is_transient(_lost())
    assert retry.is_transient(ConnectionRefusedError())  # raised raw while connecting
    assert retry.is_transient(asyncpg.exceptions.CannotConnectNowError("the database system is starting up"))
    assert retry.is_transient(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert not retry.is_transient(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not retry.is_transient(ValueError("a bug"))


async def test_a_lost_connection_is_retried_until_it_works():
    calls = []

    async def work():
        calls.append(1)
        if len(calls) < 3:
            raise _lost()
        return "done"

    assert await retry.retrying(work, attempts=5, first_delay=0.01) == "done"
    assert len(calls) == 3


async def test_it_gives_up_after_the_last_attempt_and_never_retries_a_real_error():
    calls = []

    async def down():
        calls.append(1)
        raise _lost()

    with pytest.raises(OperationalError):
        await retry.retrying(down, attempts=3, first_delay=0.01)
    assert len(calls) == 3

    async def wrong():
        calls.append(1)
        raise ValueError("a bug")

    calls.clear()
    with pytest.raises(ValueError):
        await retry.retrying(wrong, attempts=3, first_delay=0.01)
    assert len(calls) == 1
