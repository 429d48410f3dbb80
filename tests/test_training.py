from dataclasses import replace

from bot import training
from bot.settings import Settings


def _project(tmp_path):
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "basics.yml").write_text("nlu: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    return tmp_path


def test_fingerprint_changes_with_data_domain_and_config(tmp_path):
    root = _project(tmp_path)
    first = training.fingerprint(root)
    assert training.fingerprint(root) == first
    changes = [("data/nlu/basics.yml", "nlu: [x]\n"), ("domain.yml", "intents: []\n"), ("config.yml", "a: 1\n")]
    for path, text in changes:
        (root / path).write_text(text)
        changed = training.fingerprint(root)
        assert changed != first
        first = changed


def test_fingerprint_sees_renamed_files(tmp_path):
    root = _project(tmp_path)
    before = training.fingerprint(root)
    (root / "data" / "nlu" / "basics.yml").rename(root / "data" / "nlu" / "other.yml")
    assert training.fingerprint(root) != before


def test_train_skips_when_the_model_is_current(tmp_path, monkeypatch):
    root = _project(tmp_path)
    settings = replace(Settings.from_env({}), project_root=root, models_dir=root / "models")
    calls = []
    monkeypatch.setattr(training.subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    target = training.model_path(settings)
    target.parent.mkdir()
    target.write_bytes(b"model")
    stale = root / "models" / "bot-0000000000000000.tar.gz"
    stale.write_bytes(b"old")
    assert training.train(settings) == (target, False)
    assert calls == []
    model, trained = training.train(settings, force=True)
    assert (model, trained) == (target, True)
    assert calls and calls[0][1] == "train" and target.stem.removesuffix(".tar") in calls[0]
    assert not stale.exists()


def test_the_tracker_store_and_log_redaction_are_not_part_of_the_model(tmp_path):
    root = _project(tmp_path)
    (root / "rasa_addons").mkdir()
    (root / "rasa_addons" / "safety_net.py").write_text("A = 1\n")
    before = training.fingerprint(root)
    for name in training.NOT_IN_MODEL:
        path = root / name / "server.py" if name.endswith("/") else root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("changed = True\n")
    assert training.fingerprint(root) == before
    (root / "rasa_addons" / "safety_net.py").write_text("A = 2\n")
    assert training.fingerprint(root) != before


def test_the_rasa_servers_runtime_code_is_not_in_the_fingerprint(tmp_path):
    (tmp_path / "rasa_addons" / "runtime").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    before = training.fingerprint(tmp_path)
    (tmp_path / "rasa_addons" / "runtime" / "speedups.py").write_text("# faster\n")
    assert training.fingerprint(tmp_path) == before  # no retraining for the server's launcher and speed-ups
    (tmp_path / "rasa_addons" / "component.py").write_text("# an NLU component\n")
    assert training.fingerprint(tmp_path) != before
