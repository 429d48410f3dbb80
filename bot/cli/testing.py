"""Model tests: `test-conversations` (`rasa test` on tests/test_stories.yml with the real action server
running) and `test-nlu` (`rasa test nlu` on the held-out examples in tests/nlu/, which training never sees)."""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
from pathlib import Path

from bot import supervisor, training
from bot.probes import wait_for_url
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the test-conversations subcommand."""
    parser = subparsers.add_parser(
        "test-conversations", help="run rasa test on tests/test_stories.yml against the current model"
    )
    parser.add_argument("--stories", default="tests/test_stories.yml")
    parser.set_defaults(handler=_test)
    nlu = subparsers.add_parser(
        "test-nlu", help="rasa test nlu on the held-out examples in tests/nlu/ and check the targets"
    )
    nlu.add_argument("--nlu", default="tests/nlu")
    nlu.set_defaults(handler=_test_nlu)


# Floors on the held-out examples (528 in tests/nlu), at what config.yml reaches, so a regression fails CI:
# measured 0.983 macro-F1 (accuracy 0.981), 0.95 out-of-scope recall, 1.00 emergency recall (`python -m bot
# test-nlu`, seeds fixed, 2026-12-03; 0.967 macro-F1 before a question that discloses a harm kept its topic; one of
# the four examples added since, an officer's rudeness at a traffic stop told as "he", is read as stalking).
# Emergencies are never missed; out-of-scope questions are not answered with a confident wrong topic.
NLU_TARGETS = {"macro_f1": 0.98, "out_of_scope_recall": 0.94, "emergency_recall": 1.0}


def nlu_figures(report: dict) -> dict[str, float]:
    """The figures NLU_TARGETS names, read from a `rasa test nlu` intent report (0.0 where missing)."""
    return {
        "macro_f1": report.get("macro avg", {}).get("f1-score", 0.0),
        "out_of_scope_recall": report.get("out_of_scope", {}).get("recall", 0.0),
        "emergency_recall": report.get("emergency", {}).get("recall", 0.0),
    }


def nlu_failures(report: dict, targets: dict[str, float] = NLU_TARGETS) -> list[str]:
    """The targets a `rasa test nlu` intent report misses, as readable lines (empty: all met)."""
    figures = nlu_figures(report)
    return [f"{name} {figures[name]:.3f} < {target:.2f}" for name, target in targets.items() if figures[name] < target]


def exit_status(returncode: int) -> int:
    """A child's return code as our exit status: killed by signal N (-N) is 128 + N, as a shell says it."""
    # Passed on as it is, -9 would leave the process as 247, which reads as an ordinary failure code.
    return 128 - returncode if returncode < 0 else returncode


def _test_nlu(args: argparse.Namespace, settings: Settings) -> int:
    if (model := _trained_model(settings)) is None:
        return 1
    out = settings.var_dir / "nlu-tests"
    command = [str(settings.rasa_bin), "test", "nlu", "--model", str(model), "--nlu", args.nlu, "--out", str(out)]
    result = subprocess.run(command, cwd=settings.project_root, env=supervisor.child_env(settings))
    if result.returncode != 0:
        return exit_status(result.returncode)
    report = json.loads(Path(out, "intent_report.json").read_text())
    failures = nlu_failures(report)
    for line in failures:
        print(f"NLU target missed: {line} (see {out}/intent_errors.json)", file=sys.stderr)
    macro = nlu_figures(report)["macro_f1"]
    print(f"held-out NLU: accuracy {report.get('accuracy', 0.0):.3f}, macro-F1 {macro:.3f}")
    return 1 if failures else 0


def _trained_model(settings: Settings) -> Path | None:
    """The current model, or None (with a message) if it has not been trained."""
    model = training.current_model(settings)
    if not model.exists():
        print(f"error: no model at {model}; run `python -m bot train` first", file=sys.stderr)
        return None
    return model


def _port_in_use(port: int) -> bool:
    """Whether something listens on this loopback port already."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port with closed connections is free
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _test(args: argparse.Namespace, settings: Settings) -> int:
    if (model := _trained_model(settings)) is None:
        return 1
    env = supervisor.child_env(settings)
    actions = next(s for s in supervisor.services(settings, model) if s.name == "actions")
    if _port_in_use(settings.actions_port):
        # Another action server there (`run`'s) would answer the health check and `rasa test`, not this tree's.
        print(f"error: port {settings.actions_port} is in use; stop what uses it or set BOT_ACTIONS_PORT",
              file=sys.stderr)  # fmt: skip
        return 1
    server = subprocess.Popen(actions.command, cwd=settings.project_root, env=env)
    try:
        if not asyncio.run(
            wait_for_url(actions.health_url, settings.startup_timeout_seconds, lambda: server.poll() is None)
        ):
            print("error: the action server did not start", file=sys.stderr)
            return 1
        out = settings.var_dir / "conversation-tests"
        command = [
            str(settings.rasa_bin), "test", "core", "--model", str(model), "--stories", args.stories,
            "--endpoints", "endpoints.yml", "--out", str(out), "--fail-on-prediction-errors",
        ]  # fmt: skip
        result = subprocess.run(command, cwd=settings.project_root, env=env)
        if result.returncode != 0:
            print(f"conversation tests failed: see {out}/failed_test_stories.yml", file=sys.stderr)
        return exit_status(result.returncode)
    finally:
        stop(server, grace=30)


def stop(server: subprocess.Popen[bytes], *, grace: float) -> None:
    """Stop a server we started: SIGTERM, then SIGKILL after `grace` seconds, so it never outlives the tests."""
    server.terminate()
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
