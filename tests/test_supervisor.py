"""The supervisor starts a group, reports when healthy, restarts a service that dies or hangs, gives up after
repeated failures naming the service, and stops everything on a signal."""

import argparse
import asyncio
import json
import os
import signal
import sys
from dataclasses import replace

import pytest

from bot import supervisor
from bot.settings import Settings
from bot.stack import free_port

# A tiny HTTP server: port, a trigger file ("": none) and "once". While the trigger file exists, it answers a
# health check and then exits, but never the first request: the probe that found it ready, so it always dies
# running, never while starting, however slow the machine. With "once" it deletes the trigger as it dies, so the
# server started in its place stays up. (Triggered by the test, not after some seconds: nothing here races.)
SERVE = (
    "import http.server, os, sys\n"
    "port, trigger, once = int(sys.argv[1]), sys.argv[2], sys.argv[3] == 'once'\n"
    "code = int(os.environ.get('EXIT_CODE', '3'))\n"
    "class Handler(http.server.SimpleHTTPRequestHandler):\n"
    "    answered = 0\n"
    "    def do_GET(self):\n"
    "        super().do_GET()\n"
    "        Handler.answered += 1\n"
    "        if Handler.answered > 1 and trigger and os.path.exists(trigger):\n"
    "            if once: os.remove(trigger)\n"
    "            os._exit(code)\n"
    "http.server.HTTPServer(('127.0.0.1', port), Handler).serve_forever()\n"
)


def _service(name, trigger="", once=False, **extra):
    port = free_port()
    command = [sys.executable, "-c", SERVE, str(port), str(trigger), "once" if once else ""]
    return supervisor.Service(name, command, f"http://127.0.0.1:{port}/", **extra)


def _settings(tmp_path, **changes):
    fast = dict(
        startup_timeout_seconds=30, restart_backoff_seconds=0.1, restart_max_failures=3, restart_window_seconds=60,
        health_interval_seconds=0.2, health_timeout_seconds=0.5, health_failures=2,
    )  # fmt: skip
    return replace(Settings.from_env({}), var_dir=tmp_path, **{**fast, **changes})


async def _until(condition, timeout=30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def _started(capsys, sup):
    task = asyncio.create_task(sup.run())
    out = ""
    while "Everything is running" not in out:
        assert not task.done(), capsys.readouterr()
        out += capsys.readouterr().out
        await asyncio.sleep(0.1)
    return task


def _stop(task):
    signal.raise_signal(signal.SIGINT)
    return asyncio.wait_for(task, 30)


async def test_a_dead_service_is_restarted_and_the_others_keep_running(tmp_path, capsys):
    die = tmp_path / "die"
    steady, flaky = _service("steady"), _service("flaky", trigger=die, once=True)
    sup = supervisor.Supervisor(_settings(tmp_path), [[steady, flaky]], "Everything is running")
    task = await _started(capsys, sup)
    first, steady_pid = sup.procs["flaky"].pid, sup.procs["steady"].pid
    die.touch()  # at its next health check, flaky exits with code 3
    await _until(lambda: sup.procs["flaky"].pid != first and sup.procs["flaky"].returncode is None)
    assert not die.exists()  # it was the one that died, once
    await _until(lambda: "flaky is healthy again" in capsys.readouterr().err)
    assert sup.procs["steady"].pid == steady_pid and sup.procs["steady"].returncode is None
    state = json.loads((tmp_path / supervisor.STATE_FILE).read_text())
    assert state == {"steady": steady_pid, "flaky": sup.procs["flaky"].pid}
    assert await _stop(task) == 0
    assert all(proc.returncode is not None for proc in sup.procs.values())


async def test_a_clean_exit_is_a_death_to_recover_from(tmp_path, capsys):
    exit_now = tmp_path / "exit"
    clean = _service("actions", trigger=exit_now, once=True, env={"EXIT_CODE": "0"})
    sup = supervisor.Supervisor(_settings(tmp_path), [[clean]], "Everything is running")
    task = await _started(capsys, sup)
    first = sup.procs["actions"].pid
    exit_now.touch()
    await _until(lambda: sup.procs["actions"].pid != first)
    assert not exit_now.exists()
    await _until(lambda: "actions is healthy again" in capsys.readouterr().err)
    assert await _stop(task) == 0


async def test_restarts_back_off_and_stop_everything_after_repeated_failures(tmp_path, capsys):
    dies = tmp_path / "die"
    dies.touch()  # and stays: every svc1 started is found ready, then exits at its first health check
    steady, dying = _service("svc0"), _service("svc1", trigger=dies)
    sup = supervisor.Supervisor(_settings(tmp_path), [[steady, dying]], "Everything is running")
    assert await asyncio.wait_for(sup.run(), 60) == 1
    assert all(proc.returncode is not None for proc in sup.procs.values())
    err = capsys.readouterr().err
    assert "svc1 exited with code 3; restarting in 0.1s (failure 1 of 3" in err
    assert "svc1 exited with code 3; restarting in 0.2s (failure 2 of 3" in err  # the back-off doubles
    assert "error: svc1 failed 3 times within 60s (last: exited with code 3); stopped everything" in err
    assert not (tmp_path / supervisor.STATE_FILE).exists()


async def test_a_hung_service_is_killed_and_restarted(tmp_path, capsys):
    hung = _service("rasa")
    sup = supervisor.Supervisor(_settings(tmp_path), [[hung]], "Everything is running")
    task = await _started(capsys, sup)
    first = sup.procs["rasa"].pid
    os.kill(first, signal.SIGSTOP)
    await _until(lambda: sup.procs["rasa"].pid != first, timeout=15)
    await _until(lambda: "rasa is healthy again" in capsys.readouterr().err)
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)  # the hung process was killed, not left behind
    assert await _stop(task) == 0


async def test_signal_stops_everything_cleanly(tmp_path, capsys):
    sup = supervisor.Supervisor(_settings(tmp_path), [[_service("svc0"), _service("svc1")]], "Everything is running")
    task = await _started(capsys, sup)
    assert await _stop(task) == 0
    assert all(proc.returncode is not None for proc in sup.procs.values())


async def test_a_service_that_dies_while_starting_is_reported(tmp_path, capsys):
    broken = supervisor.Service("broken", [sys.executable, "-c", "raise SystemExit(7)"], "http://127.0.0.1:9/")
    sup = supervisor.Supervisor(_settings(tmp_path), [[_service("svc0"), broken]], "Everything is running")
    assert await asyncio.wait_for(sup.run(), 60) == 1
    err = capsys.readouterr().err
    assert "broken exited with code 7 while starting" in err
    assert "error: broken failed 3 times" in err
    assert all(proc.returncode is not None for proc in sup.procs.values())


async def test_a_service_never_ready_stops_everything_even_with_failures_further_apart_than_the_window(
    tmp_path, capsys
):
    # Each start fails only after the startup timeout, longer than the window: the window alone never fills.
    silent = supervisor.Service("rasa", [sys.executable, "-c", "import time; time.sleep(600)"],
                                f"http://127.0.0.1:{free_port()}/")  # fmt: skip
    settings = _settings(tmp_path, startup_timeout_seconds=0.3, restart_window_seconds=0.1)
    sup = supervisor.Supervisor(settings, [[_service("svc0"), silent]], "Everything is running")
    assert await asyncio.wait_for(sup.run(), 60) == 1
    err = capsys.readouterr().err
    assert "error: rasa failed 3 times in a row without becoming healthy (last: was not ready 0.3s after" in err
    assert "Everything is running" not in err
    assert all(proc.returncode is not None for proc in sup.procs.values())


async def test_stages_start_in_order_with_their_step_between(tmp_path, capsys):
    first, second = _service("database"), _service("app")
    seen = []

    async def prepare():
        seen.append(("prepare", set(sup.procs)))

    stages = [supervisor.Stage([first], then=prepare), supervisor.Stage([second])]
    sup = supervisor.Supervisor(_settings(tmp_path), stages, "Everything is running")
    task = await _started(capsys, sup)
    assert seen == [("prepare", {"database"})]
    assert await _stop(task) == 0


async def test_a_failed_step_between_stages_stops_everything(tmp_path, capsys):
    async def prepare():
        raise RuntimeError("migrations failed")

    stages = [supervisor.Stage([_service("database")], then=prepare), supervisor.Stage([_service("app")])]
    sup = supervisor.Supervisor(_settings(tmp_path), stages, "Everything is running")
    assert await asyncio.wait_for(sup.run(), 30) == 1
    assert "error: RuntimeError: migrations failed" in capsys.readouterr().err
    assert set(sup.procs) == {"database"}
    assert sup.procs["database"].returncode is not None


def test_tracker_store_uses_our_database(tmp_path):
    settings = Settings.from_env({"BOT_VAR_DIR": str(tmp_path), "BOT_ACTIONS_PORT": "5999"})
    env = supervisor.child_env(settings)
    assert env["BOT_TRACKER_URL"] == f"sqlite:///{tmp_path}/bot.db"
    assert env["BOT_ACTIONS_PORT"] == "5999"
    assert env["SANIC_HOST"] == "127.0.0.1"


def test_every_child_gets_the_secret_key_and_the_redacting_logging_config(tmp_path):
    settings = replace(Settings.from_env({"BOT_VAR_DIR": str(tmp_path)}), secret_key="")
    env = supervisor.child_env(settings)
    assert env["BOT_SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()  # made once, here
    assert supervisor.child_env(settings)["BOT_SECRET_KEY"] == env["BOT_SECRET_KEY"]
    commands = {service.name: service.command for service in supervisor.services(settings, tmp_path / "m.tar.gz")}
    rasa, actions = commands["rasa"], commands["actions"]
    assert rasa[rasa.index("--logging-config-file") + 1] == "logging.yml"
    assert actions[actions.index("--logging-config_file") + 1] == "logging.yml"
    assert (settings.project_root / "logging.yml").is_file()


async def test_the_periodic_jobs_run_while_healthy_and_stop_with_the_group(tmp_path, capsys):
    ran = tmp_path / "ran"
    job = supervisor.periodic.PeriodicJob("test", [sys.executable, "-c", f"open({str(ran)!r}, 'a').write('x')"], 0.2, 0)
    sup = supervisor.Supervisor(_settings(tmp_path), [[_service("steady")]], "Everything is running", jobs=[job])
    task = await _started(capsys, sup)
    await _until(ran.exists)
    assert await _stop(task) == 0
    runs = len(ran.read_text())
    await asyncio.sleep(0.5)
    assert len(ran.read_text()) == runs  # stopped with the services


def test_run_gives_the_group_the_privacy_jobs(monkeypatch, tmp_path):
    made = {}

    class Recorder(supervisor.Supervisor):
        async def run(self) -> int:
            made["jobs"] = self.jobs
            return 0

    monkeypatch.setattr(supervisor, "Supervisor", Recorder)
    assert supervisor.run(_settings(tmp_path), tmp_path / "model.tar.gz") == 0
    assert [job.name for job in made["jobs"]] == ["purge", "form sweep"]


def test_rasa_gets_its_http_api_with_a_token_and_the_web_app_the_same_token(tmp_path):
    settings = supervisor.with_rasa_token(_settings(tmp_path))
    assert len(settings.rasa_token) > 30
    assert supervisor.with_rasa_token(settings) is settings  # a token given (BOT_RASA_TOKEN) is kept
    [rasa] = [s for s in supervisor.services(settings, tmp_path / "m.tar.gz") if s.name == "rasa"]
    assert f"--auth-token={settings.rasa_token}" in rasa.command
    assert "--enable-api" in rasa.command and rasa.command[rasa.command.index("--interface") + 1] == "127.0.0.1"
    assert supervisor.child_env(settings)["BOT_RASA_TOKEN"] == settings.rasa_token


def test_lock_store_is_in_memory_on_one_machine_and_redis_with_redis_url():
    assert supervisor.lock_store_env(Settings.from_env({})) == {"BOT_LOCK_STORE": "in_memory", "BOT_LOCK_STORE_URL": ""}
    env = supervisor.lock_store_env(Settings.from_env({"REDIS_URL": "redis://:s3cret@127.0.0.1:6390/2"}))
    assert env == {
        "BOT_LOCK_STORE": "rasa_addons.lock_store.LivenessLockStore",
        "BOT_LOCK_STORE_URL": "redis://:s3cret@127.0.0.1:6390/2",
    }


def test_the_lock_store_keeps_tls_and_the_username_of_a_rediss_url(tmp_path):
    url = "rediss://app:pw%40x@redis.example:6380/0"
    env = supervisor.child_env(Settings.from_env({"BOT_VAR_DIR": str(tmp_path), "REDIS_URL": url}))
    assert env["BOT_LOCK_STORE_URL"] == url  # not split: the scheme (TLS) and the username go through
    # The store's client over TLS: tests/rasa_addons/test_lock_store_url.py (a real server, from endpoints.yml).


def test_a_token_starting_with_a_dash_reaches_rasas_parser_as_the_token(tmp_path):
    settings = replace(_settings(tmp_path), rasa_token="-t0ken_starting-with-a-dash")
    [rasa] = [s for s in supervisor.services(settings, tmp_path / "m.tar.gz") if s.name == "rasa"]
    parser = argparse.ArgumentParser()  # as Rasa's `run` declares it
    parser.add_argument("-t", "--auth-token", type=str)
    [token_argument] = [arg for arg in rasa.command if arg.startswith("--auth-token")]
    assert parser.parse_args([token_argument]).auth_token == settings.rasa_token
