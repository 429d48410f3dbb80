"""Locust: residents having the conversations of bench/scenarios.py, one after another, each turn after the reply.

Run by bench/locust_run.py in .venv-bench (`locust -f bench/locustfile.py --headless ...`); environment:
BENCH_CHAT_PATH (/api/chat, or /webhooks/rest/webhook for the stock bot), BENCH_CHECK (1: an off-script answer
counts as an error; 0 for the stock bot, which knows none of our conversations), BENCH_SEED.
"""

import os
import random
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # scenarios.py beside this file, stdlib only

import scenarios
from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_CHAT_PATH", "/api/chat")
CHECK = os.environ.get("BENCH_CHECK", "1") == "1"
SEED = int(os.environ.get("BENCH_SEED", "19"))
KINDS, WEIGHTS = list(scenarios.WEIGHTS), list(scenarios.WEIGHTS.values())
_counter = iter(range(1_000_000))


class Resident(FastHttpUser):
    """One resident at a time per user: a conversation of a kind drawn by WEIGHTS, then the next one."""

    wait_time = constant(0)
    connection_timeout = 10.0
    network_timeout = 60.0

    def on_start(self) -> None:
        """A seeded draw per user, so runs compare."""
        self.rng = random.Random(SEED * 1000 + next(_counter))  # noqa: S311 (a load mix, not a secret)

    @task
    def conversation(self) -> None:
        """Play one scripted conversation; stop it at the first failed or off-script turn."""
        kind = self.rng.choices(KINDS, WEIGHTS)[0]
        sender, last = str(uuid.uuid4()), []
        for turn in scenarios.SCENARIOS[kind]:
            try:
                text = scenarios.message(turn, last)
            except scenarios.NoSuchButton as exc:
                if CHECK:
                    self.environment.events.request.fire(request_type="POST", name=kind, response_time=0,
                                                         response_length=0, exception=exc, context={})
                    return
                text = turn.press  # the stock bot shows no buttons: type the title
            with self.client.post(PATH, json={"sender": sender, "message": text}, name=kind,
                                  headers=scenarios.resident_headers(sender), catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
                    return
                body = response.json()
                if CHECK and not scenarios.coherent(turn, body):
                    response.failure("off-script answer")
                    return
                last = body
