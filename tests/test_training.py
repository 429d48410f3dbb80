from dataclasses import replace
from pathlib import Path

import pytest

from bot import training
from bot.settings import PROJECT_ROOT, Settings


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

    def rasa(cmd, **kw):
        calls.append(cmd)
        (Path(cmd[cmd.index("--out") + 1]) / (cmd[cmd.index("--fixed-model-name") + 1] + ".tar.gz")).write_bytes(b"m")

    monkeypatch.setattr(training.subprocess, "run", rasa)
    target = training.model_path(settings)
    target.parent.mkdir()
    target.write_bytes(b"model")
    stale = root / "models" / "bot-0000000000000000.tar.gz"
    stale.write_bytes(b"old")
    assert training.train(settings) == (target, False)
    assert calls == []
    model, trained = training.train(settings, force=True)
    assert (model, trained) == (target, True)
    assert calls and calls[0][1] == "train"
    assert training.fingerprint(root) in calls[0][calls[0].index("--fixed-model-name") + 1]
    assert target.read_bytes() == b"m" and [p.name for p in target.parent.iterdir()] == [target.name]
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


def _imported_by_the_model(root):
    """rasa_addons modules config.yml's components and policies import, transitively (as paths)."""
    import ast
    import re

    todo = re.findall(r"name:\s*(rasa_addons\.[\w.]+)\.\w+", (root / "config.yml").read_text())
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        path = root / (module.replace(".", "/") + ".py")
        if not path.is_file():
            path = root / module.replace(".", "/") / "__init__.py"
        if not path.is_file() or path.as_posix() in seen:
            continue
        seen.add(path.as_posix())
        package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # from . import x: relative to the module's package
                    parts = package.split(".")
                    base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
                todo.extend([base, *(f"{base}.{alias.name}" for alias in node.names)])
            elif isinstance(node, ast.Import):
                todo.extend(alias.name for alias in node.names)
        todo = [name for name in todo if name.startswith("rasa_addons")]
    return {Path(p).relative_to(root).as_posix() for p in seen}


def test_only_the_code_the_model_is_built_from_is_in_its_fingerprint():
    # Code the Rasa server runs beside the model (the tracker store, the lock store) must not force a retraining,
    # and code the pipeline imports must.
    root = PROJECT_ROOT
    in_model = _imported_by_the_model(root)
    assert "rasa_addons/intent_classifier.py" in in_model and "rasa_addons/safety_net.py" in in_model
    fingerprinted = {p.relative_to(root).as_posix() for p in training._files(root) if p.suffix == ".py"}
    addons = {p for p in fingerprinted if p.startswith("rasa_addons/")}
    assert in_model <= addons  # nothing the model is built from is left out
    packages = {p for p in addons if p.endswith("__init__.py")}
    assert addons - packages == in_model - packages  # nothing else makes the model look stale


def _settings(root, **changes):
    return replace(Settings.from_env({}), project_root=root, models_dir=root / "models", **changes)


def _fake_rasa(written):
    """A stand-in for `rasa train`: writes the archive where the command says, as Rasa does, then `then()`."""

    def run(cmd, **kw):
        out = Path(cmd[cmd.index("--out") + 1]) / (cmd[cmd.index("--fixed-model-name") + 1] + ".tar.gz")
        out.write_bytes(b"half a model")  # Rasa writes its tar.gz in place, as it goes
        written.append(out)
        raise KeyboardInterrupt  # Ctrl-C (or a crash) before the archive is complete

    return run


def test_an_interrupted_training_leaves_no_model_that_looks_current(tmp_path, monkeypatch):
    settings = _settings(_project(tmp_path))
    written = []
    monkeypatch.setattr(training.subprocess, "run", _fake_rasa(written))
    with pytest.raises(KeyboardInterrupt):
        training.train(settings)
    assert written  # it did write something
    assert not training.model_path(settings).exists()  # but `run` and the next `train` do not take it for a model


def test_training_keeps_the_pinned_model(tmp_path, monkeypatch):
    settings = _settings(_project(tmp_path))
    pinned = settings.models_dir / "bot-0123456789abcdef.tar.gz"
    pinned.parent.mkdir()
    pinned.write_bytes(b"the release being served")
    stale = settings.models_dir / "bot-fedcba9876543210.tar.gz"
    stale.write_bytes(b"old")

    def rasa(cmd, **kw):
        out = Path(cmd[cmd.index("--out") + 1]) / (cmd[cmd.index("--fixed-model-name") + 1] + ".tar.gz")
        out.write_bytes(b"new model")

    monkeypatch.setattr(training.subprocess, "run", rasa)
    model, trained = training.train(replace(settings, model=pinned))
    assert trained and model.read_bytes() == b"new model"
    assert pinned.exists()  # BOT_MODEL names it: the Rasa servers load it at their next restart
    assert not stale.exists()
