"""The scale shape: each replica's settings and environment, the stages' order, shape.json."""

import json
from dataclasses import replace
from pathlib import Path

from bot.scale import shape
from bot.settings import Settings


def _shape(tmp_path):
    ports = shape.Ports(8080, [11, 12], [21, 22], [31, 32], [41, 42], [51, 52], 5432, 6379)
    return shape.Shape(tmp_path, ports, Path("/models/bot-x.tar.gz"))


def test_replica_two_talks_to_rasa_two_through_nginx_on_the_shared_databases(tmp_path, monkeypatch):
    monkeypatch.delenv("BOT_CHAT_RATE_GLOBAL", raising=False)
    layout = _shape(tmp_path)
    env = shape.replica_env(replace(Settings.from_env({}), var_dir=tmp_path), layout, 1)
    assert env["BOT_WEB_PORT"] == "12"
    assert env["BOT_RASA_PORT"] == "42"  # nginx: Rasa 2, Rasa 1 as backup
    assert env["BOT_ACTIONS_PORT"] == "52"  # Rasa 2's action endpoint, and the web app's health check
    assert env["DATABASE_URL"] == "postgresql+asyncpg://postgres@127.0.0.1:5432/bot"
    assert env["BOT_TRACKER_URL"] == "postgresql://postgres@127.0.0.1:5432/bot"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/1"
    assert env["BOT_LOCK_STORE"] == "rasa_addons.lock_store.LivenessLockStore"
    assert env["BOT_LOCK_STORE_URL"] == env["REDIS_URL"]  # whole: the lock store reads it as the web app does
    assert env["TICKET_LOCK_LIFETIME"] == str(shape.LOCK_LIFETIME_SECONDS)
    assert env["BOT_CHAT_RATE_GLOBAL"] == "4800"  # the ceiling on everyone together: 2400 a minute per replica


def test_every_rasa_replica_serves_the_one_model_file(tmp_path):
    layout = _shape(tmp_path)
    settings = Settings.from_env({})
    commands = [s.command for i in range(2) for s in shape.replicas(settings, layout, i) if s.name.startswith("rasa")]
    assert len(commands) == 2
    assert all(c[c.index("--model") + 1] == "/models/bot-x.tar.gz" for c in commands)
    assert [c[c.index("--port") + 1] for c in commands] == ["21", "22"]
    assert all(c[c.index("--interface") + 1] == "127.0.0.1" for c in commands)


def test_shape_json_names_every_port(tmp_path):
    layout = _shape(tmp_path)
    layout.write()
    data = json.loads((tmp_path / shape.SHAPE_FILE).read_text())
    assert data["url"] == "http://127.0.0.1:8080"
    assert data["ports"]["rasa"] == [21, 22] and data["ports"]["postgres"] == 5432
    assert data["database_url"] == "postgresql://postgres@127.0.0.1:5432/bot"


def test_ports_are_chosen_free_and_distinct():
    ports = shape.Ports.choose(8080, 2)
    every = [*ports.web, *ports.rasa, *ports.actions, *ports.rasa_via_nginx, *ports.actions_via_nginx,
             ports.postgres, ports.redis]  # fmt: skip
    assert 8080 not in every and len(set(every)) == 12


def test_the_operators_ceiling_on_everyone_together_is_for_the_whole_shape():
    assert shape.global_ceiling(2, {"BOT_CHAT_RATE_GLOBAL": "900"}) == 900
    assert shape.global_ceiling(2, {}) == 2 * shape.CEILING_PER_REPLICA
