"""The supply chain: runtime and test requirements apart, every lock pinned with hashes, pyproject in step."""

import re

import pytest
import tomli
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.settings import PROJECT_ROOT

REQUIREMENTS = PROJECT_ROOT / "requirements"
LOCKS = ("app", "test", "rasa", "tools", "pip-tools", "bench")
TEST_TOOLS = {"pytest", "pytest-asyncio", "ruff", "playwright", "hypothesis", "iniconfig"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)(?:\s*;[^\\]*)?\s*\\?$")
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}\s*\\?$")


def _in_requirements(name):
    """The requirements an .in file asks for (comments and -c/-r lines left out)."""
    lines = (line.split("#", 1)[0].strip() for line in (REQUIREMENTS / f"{name}.in").read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def _locked(path):
    """{name: (version, [hashes])} of a lock file; fails on any line that is not a pin, a hash or a comment."""
    pins, current = {}, None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            assert current not in pins, f"{path.name}:{number}: {current} pinned twice"
            pins[current] = (match.group(2), [])
        elif HASH.match(line) and current is not None:
            pins[current][1].append(line.strip())
        else:
            pytest.fail(f"{path.name}:{number}: neither a pin nor a hash: {line!r}")
    return pins


def _pyproject():
    return tomli.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]


def _as_set(requirements):
    return {(canonicalize_name(r.name), str(r.specifier), tuple(sorted(r.extras))) for r in requirements}


@pytest.mark.parametrize("name", LOCKS)
def test_every_lock_pins_every_package_with_hashes(name):
    pins = _locked(REQUIREMENTS / f"{name}.txt")
    assert pins, f"{name}.txt pins nothing"
    unhashed = [package for package, (_, hashes) in pins.items() if not hashes]
    assert unhashed == [], f"{name}.txt: no hash for {unhashed}"


@pytest.mark.parametrize("name", LOCKS)
def test_every_lock_satisfies_its_in_file(name):
    pins = _locked(REQUIREMENTS / f"{name}.txt")
    for requirement in _in_requirements(name):
        package = canonicalize_name(requirement.name)
        assert package in pins, f"{name}.txt lacks {package}, which {name}.in asks for: run make lock"
        assert requirement.specifier.contains(pins[package][0], prereleases=True), (name, requirement, pins[package])


@pytest.mark.parametrize("name", (*LOCKS, "rasa-encoder"))
def test_no_lock_names_an_index_of_this_machine(name):
    text = (REQUIREMENTS / f"{name}.txt").read_text()
    for option in ("--index-url", "--extra-index-url", "--find-links", "file://", "/opt/"):
        assert option not in text, f"{name}.txt names {option}: locks must not depend on one machine's indexes"


def test_the_encoder_wheel_is_pinned_by_hash():
    [line] = [line for line in (REQUIREMENTS / "rasa-encoder.txt").read_text().splitlines() if line[:1].isalnum()]
    assert re.fullmatch(r"\S+==\S+ --hash=sha256:[0-9a-f]{64}", line)


def test_what_runs_carries_no_test_tools():
    runtime = set(_locked(REQUIREMENTS / "app.txt"))
    assert runtime & TEST_TOOLS == set()
    assert {"pytest", "playwright", "ruff", "hypothesis"} <= set(_locked(REQUIREMENTS / "test.txt"))


def test_app_and_test_locks_agree_where_they_meet():
    app, test = _locked(REQUIREMENTS / "app.txt"), _locked(REQUIREMENTS / "test.txt")
    disagree = {name: (app[name][0], test[name][0]) for name in set(app) & set(test) if app[name][0] != test[name][0]}
    assert disagree == {}, "test.in is constrained by app.txt: run make lock"


def test_pyproject_lists_what_the_in_files_ask_for():
    project = _pyproject()
    assert _as_set(map(Requirement, project["dependencies"])) == _as_set(_in_requirements("app"))
    assert _as_set(map(Requirement, project["optional-dependencies"]["test"])) == _as_set(_in_requirements("test"))
    assert set(project["optional-dependencies"]) == {"test"}


def test_make_installs_only_by_hash():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line or "$(PIP_LOCKED)" in line]
    assert installs, "the Makefile installs nothing?"
    for line in installs:
        hashed = "--require-hashes" in line or "$(PIP_LOCKED)" in line
        own_package = "--no-deps --no-build-isolation -e ." in line  # our own source tree, with no dependencies
        assert hashed or own_package, f"unhashed install in the Makefile: {line}"
    assert "PIP_LOCKED = pip install --quiet --require-hashes" in makefile


def test_lock_inputs_exist_for_every_lock():
    assert {path.stem for path in REQUIREMENTS.glob("*.in")} == set(LOCKS)
