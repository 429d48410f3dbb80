"""`scale-demo`: the production shape runs the privacy jobs against its own PostgreSQL."""

from bot.cli import scale
from bot.scale import shape
from bot.settings import Settings


def test_the_shape_purges_and_sweeps_its_own_database(tmp_path):
    layout = shape.Shape(tmp_path, shape.Ports.choose(0, 2), tmp_path / "model.tar.gz")
    purge, sweep = scale.privacy_jobs(Settings(), layout)
    assert purge.command[-2:] == ["bot", "purge"] and sweep.command[-1] == "--forms-only"
    for job in (purge, sweep):
        assert f"@127.0.0.1:{layout.ports.postgres}/" in job.env["DATABASE_URL"]
        assert job.env["BOT_VAR_DIR"] == str(tmp_path)
