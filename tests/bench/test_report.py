"""bench/report.py: the report names the commit its services were started from, and says when the tree moved."""

from bench import report


def _info(at_start: str) -> report.RunInfo:
    return report.RunInfo("make bench", 200, 20, "2026-12-02 04:00 UTC", 60.0, 1.0, at_start)


def test_one_commit_when_the_tree_did_not_change_during_the_run():
    assert report._commits(_info("b1462e4"), "b1462e4") == "b1462e4"


def test_both_commits_when_the_tree_changed_during_the_run():
    said = report._commits(_info("b1462e4"), "e4164e5")
    assert said.startswith("b1462e4 at the start") and said.endswith("e4164e5 at the end")
