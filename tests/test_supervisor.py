"""The supervisor starts a group, reports when healthy, and stops everything when one dies or on a signal."""

import asyncio
import signal
import sys
from dataclasses import replace

from bot import supervisor
from bot.settings import Settings
from bot.stack import free_port

SERVE = (
    "import http.server, os, sys, threading\n"
    "port, life = int(sys.argv[1]), float(sys.argv[2])\n"
    "server = http.server.HTTPServer(('127.0.0.1', port), http.server.SimpleHTTPRequestHandler)\n"
    "if life > 0: threading.Timer(life, lambda: os._exit(3)).start()\n"
    "server.serve_forever()\n"
)


def _fake_services(monkeypatch, lives):
    ports = [free_port() for _ in lives]
    fakes = [
        supervisor.Service(f"svc{n}", [sys.executable, "-c", SERVE, str(port), str(life)], f"http://127.0.0.1:{port}/")
        for n, (port, life) in enumerate(zip(ports, lives, strict=True))
    ]
    monkeypatch.setattr(supervisor, "services", lambda settings, model: fakes)
    return fakes


def _settings(tmp_path):
    return replace(Settings.from_env({}), var_dir=tmp_path, startup_timeout_seconds=30)


async def test_one_death_stops_the_others_and_fails(monkeypatch, tmp_path, capsys):
    _fake_services(monkeypatch, [0, 3])
    sup = supervisor.Supervisor(_settings(tmp_path), tmp_path / "model.tar.gz")
    assert await sup.run() == 1
    assert all(proc.returncode is not None for proc in sup.procs.values())
    captured = capsys.readouterr()
    assert "Everything is running" in captured.out
    assert "svc1 exited with code 3; stopping the others" in captured.err


async def test_signal_stops_everything_cleanly(monkeypatch, tmp_path, capsys):
    _fake_services(monkeypatch, [0, 0])
    sup = supervisor.Supervisor(_settings(tmp_path), tmp_path / "model.tar.gz")
    task = asyncio.create_task(sup.run())
    while "Everything is running" not in capsys.readouterr().out:
        await asyncio.sleep(0.2)
    signal.raise_signal(signal.SIGINT)
    assert await asyncio.wait_for(task, 30) == 0
    assert all(proc.returncode is not None for proc in sup.procs.values())


async def test_a_service_that_dies_while_starting_is_reported(monkeypatch, tmp_path, capsys):
    fakes = _fake_services(monkeypatch, [0])
    fakes.append(supervisor.Service("broken", [sys.executable, "-c", "raise SystemExit(7)"], "http://127.0.0.1:9/"))
    sup = supervisor.Supervisor(_settings(tmp_path), tmp_path / "model.tar.gz")
    assert await sup.run() == 1
    assert "broken exited with code 7 while starting" in capsys.readouterr().err
    assert all(proc.returncode is not None for proc in sup.procs.values())


def test_tracker_store_uses_our_database(tmp_path):
    settings = Settings.from_env({"BOT_VAR_DIR": str(tmp_path), "BOT_ACTIONS_PORT": "5999"})
    env = supervisor.child_env(settings)
    assert env["BOT_TRACKER_URL"] == f"sqlite:///{tmp_path}/bot.db"
    assert env["BOT_TRACKER_DIALECT"] == "sqlite"
    assert env["BOT_ACTIONS_PORT"] == "5999"
    assert env["SANIC_HOST"] == "127.0.0.1"
