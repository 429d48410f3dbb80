"""A resident's side of a conversation over HTTP: send, see what the widget would show, retry a failed turn."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench import scenarios
from bench.scenarios import Turn


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange: the status (0: no answer at all), the bot's messages, and what the widget shows."""

    status: int
    replies: list[dict[str, Any]]
    seen: str
    seconds: float
    started: float = 0.0  # time.monotonic() when it was sent (a drill's timeline)


@dataclass
class Conversation:
    """How one scripted conversation went."""

    kind: str
    sender: str = field(default_factory=lambda: str(uuid.uuid4()))
    turns_ok: int = 0
    failed: list[Answer] = field(default_factory=list)  # turns that got an error or an off-script answer
    completed: bool = False
    references: set[str] = field(default_factory=set)  # complaint references shown to the resident
    latencies: list[float] = field(default_factory=list)
    last: list[dict[str, Any]] = field(default_factory=list)  # the last answer on script (its buttons are pressed)

    @property
    def silent_failures(self) -> int:
        """Failed turns where the resident was given no number to call."""
        return sum(1 for answer in self.failed if not scenarios.PHONE.search(answer.seen))


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str, timeout: float = 40, message_id: str | None = None
) -> Answer:
    """POST one message to /api/chat (or Rasa's webhook) and read the answer as the widget would."""
    started, sent_at = time.perf_counter(), time.monotonic()
    request = {"sender": sender, "message": text}
    if message_id is not None:
        request["message_id"] = message_id
    try:
        headers = scenarios.resident_headers(sender)
        async with session.post(url, json=request, headers=headers,
                                timeout=aiohttp.ClientTimeout(total=timeout)) as response:  # fmt: skip
            body = await response.json(content_type=None)
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return Answer(0, [], "", time.perf_counter() - started, sent_at)
    seconds = time.perf_counter() - started
    if status == 200 and isinstance(body, list):
        return Answer(status, body, scenarios.texts(body), seconds, sent_at)
    error = body.get("error") if isinstance(body, dict) else None
    seen = str(error.get("message", "")) if isinstance(error, dict) else ""
    return Answer(status, [], seen, seconds, sent_at)


async def converse(
    session: aiohttp.ClientSession,
    url: Callable[[int], str],
    kind: str,
    turns: Sequence[Turn] | None = None,
    *,
    retries: int = 0,
    retry_wait: float = 1.0,
    conversation: Conversation | None = None,
) -> Conversation:
    """Play a script, turn i sent to url(i); a failed turn is tried again up to `retries` times, as a person would."""
    result = conversation or Conversation(kind)
    result.completed = False
    for index, turn in enumerate(scenarios.SCENARIOS[kind] if turns is None else turns):
        try:
            text = scenarios.message(turn, result.last)
        except scenarios.NoSuchButton:
            return result
        # Kept for the retries of a try that got no answer, as the widget keeps it when the same words are resent.
        message_id = uuid.uuid4().hex
        for attempt in range(retries + 1):
            answer = await send(session, url(index), result.sender, text, message_id=message_id)
            result.references.update(scenarios.COMPLAINT_REFERENCE.findall(answer.seen))
            if answer.status == 200 and scenarios.coherent(turn, answer.replies):
                result.turns_ok += 1
                result.latencies.append(answer.seconds)
                result.last = answer.replies
                break
            result.failed.append(answer)
            if answer.status == 200:  # answered, though not as the script expects: typed again, a new message
                message_id = uuid.uuid4().hex
            if attempt < retries:
                await asyncio.sleep(retry_wait)
        else:
            return result
    result.completed = True
    return result
