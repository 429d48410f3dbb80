"""The supervisor's periodic jobs: retention daily, the form sweep every ten minutes, failures reported."""

import asyncio
import sys

from bot import periodic
from bot.settings import Settings


def test_privacy_jobs_are_the_purge_daily_and_the_sweep_every_ten_minutes():
    purge, sweep = periodic.privacy_jobs(Settings())
    assert (purge.command[-3:], purge.every) == (["-m", "bot", "purge"], 24 * 3600)
    assert (sweep.command[-4:], sweep.every) == (["-m", "bot", "purge", "--forms-only"], 600)
    assert purge.first_after == 60 and sweep.first_after > purge.first_after


async def test_a_job_runs_at_its_interval_and_a_failure_is_reported_not_fatal(tmp_path, capsys):
    marker = tmp_path / "runs"
    script = f"open({str(marker)!r}, 'a').write('x'); raise SystemExit(3)"
    job = periodic.PeriodicJob("counting", [sys.executable, "-c", script], every=0.2, first_after=0)
    tasks = periodic.start([job], {}, tmp_path)
    for _ in range(200):
        if marker.exists() and len(marker.read_text()) >= 3:
            break
        await asyncio.sleep(0.05)
    await periodic.stop(tasks)
    assert len(marker.read_text()) >= 3
    assert "periodic job 'counting' exited with code 3" in capsys.readouterr().err


async def test_stopping_ends_a_running_command(tmp_path):
    started = tmp_path / "started"
    script = f"import time; open({str(started)!r}, 'w').close(); time.sleep(60)"
    tasks = periodic.start([periodic.PeriodicJob("slow", [sys.executable, "-c", script], 60, 0)], {}, tmp_path)
    while not started.exists():
        await asyncio.sleep(0.05)
    await asyncio.wait_for(periodic.stop(tasks), 10)
    assert all(task.done() for task in tasks)


async def test_a_job_runs_with_its_own_environment_over_the_supervisors(tmp_path):
    seen = tmp_path / "seen"
    script = f"import os; open({str(seen)!r}, 'w').write(os.environ['DATABASE_URL'] + ' ' + os.environ['KEPT'])"
    job = periodic.PeriodicJob("env", [sys.executable, "-c", script], 60, 0, env={"DATABASE_URL": "theirs"})
    tasks = periodic.start([job], {"DATABASE_URL": "ours", "KEPT": "yes", "PATH": "/usr/bin:/bin"}, tmp_path)
    for _ in range(200):
        if seen.exists() and seen.read_text():
            break
        await asyncio.sleep(0.05)
    await periodic.stop(tasks)
    assert seen.read_text() == "theirs yes"


async def test_a_job_that_cannot_be_started_is_reported_and_tried_again(tmp_path, capsys):
    # An executable gone (a redeploy under way) or no process to spare: the next interval tries again, as for a
    # failed run; a job that stopped for good would leave data past its retention period without a word.
    job = periodic.PeriodicJob("missing", [str(tmp_path / "no-such-python"), "-m", "bot"], every=0.05, first_after=0)
    tasks = periodic.start([job], {}, tmp_path)
    err = ""
    for _ in range(200):
        err += capsys.readouterr().err
        if err.count("periodic job 'missing' could not be started") >= 2:
            break
        await asyncio.sleep(0.05)
    assert not any(task.done() for task in tasks)
    await periodic.stop(tasks)
    assert err.count("periodic job 'missing' could not be started") >= 2


async def test_a_job_runs_in_a_session_of_its_own_so_ctrl_c_at_the_terminal_does_not_reach_it(tmp_path):
    marker = tmp_path / "session"
    script = f"import os; open({str(marker)!r}, 'w').write(str(os.getsid(0) == os.getpid()))"
    tasks = periodic.start([periodic.PeriodicJob("session", [sys.executable, "-c", script], 60, 0)], {}, tmp_path)
    for _ in range(200):
        if marker.exists() and marker.read_text():
            break
        await asyncio.sleep(0.05)
    await periodic.stop(tasks)
    assert marker.read_text() == "True"  # it leads its own session: the terminal's SIGINT goes to its group only
