"""The dependency rules of ARCHITECTURE.md, read from the imports of every module, and the size of modules."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "actions", "rasa_addons", "bench")
MAX_LINES = 300
NOT_COUNTED = ("bot/db/migrations/",)  # written once per schema change, never edited

# (package whose modules are checked, what none of them may import, why)
RULES = [
    ("bot/services", ("bot.web", "bot.cli", "actions"), "services are the heart: web views and actions call them"),
    ("rasa_addons", ("bot", "actions"), "the Rasa server loads it with only .venv-rasa's packages"),
    ("actions", ("bot.web", "bot.cli"), "actions use services and the database, never the web app or the CLI"),
    ("bot/web", ("actions",), "the web app talks to actions only through Rasa"),
    ("bot/db", ("bot.services", "bot.web", "bot.cli", "actions"), "the database layer knows no caller"),
]
NEVER_FROM_TESTS = ("bot", "actions", "rasa_addons", "bench")  # nothing that runs may need the tests
# rasa_addons modules that need only the standard library: the one redaction module and what the tracker store
# shares with the web app. Our code may import these, and only these, from rasa_addons.
SHARED_ADDONS = ("rasa_addons.redaction", "rasa_addons.log_redaction", "rasa_addons.stored_events",
                 "rasa_addons.form_answers", "rasa_addons.forgetting")  # fmt: skip
RASA_ONLY_ADDONS = (
    *sorted({".".join(path.relative_to(ROOT).with_suffix("").parts) for path in (ROOT / "rasa_addons").glob("*.py")}
            - {"rasa_addons.__init__", *SHARED_ADDONS}),
    "rasa_addons.encoder",
)  # fmt: skip
RULES += [
    ("bot", RASA_ONLY_ADDONS, "only the Rasa server has Rasa: bot may share rasa_addons' standard-library modules"),
    ("actions", RASA_ONLY_ADDONS, "the action server has no Rasa: it may share only the standard-library modules"),
]


def modules(folder: str) -> list[Path]:
    """Every Python module below a folder of the repository."""
    return sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """The modules a file imports, with every name of a `from ... import` (it may be a submodule)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import: resolve it against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def is_within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in modules(folder):
        bad = sorted(name for name in imported(path) if any(is_within(name, prefix) for prefix in forbidden))
        if bad:
            found.append(f"{path.relative_to(ROOT)} imports {', '.join(bad)}")
    return found


@pytest.mark.parametrize(("folder", "forbidden", "why"), RULES, ids=[rule[0] for rule in RULES])
def test_no_import_crosses_a_layer(folder, forbidden, why):
    assert modules(folder), f"{folder} has no modules: is the rule about the right folder?"
    found = offenders(folder, forbidden)
    assert not found, f"{folder} may not import {', '.join(forbidden)} ({why}):\n" + "\n".join(found)


@pytest.mark.parametrize("folder", NEVER_FROM_TESTS)
def test_nothing_that_runs_imports_the_tests(folder):
    found = offenders(folder, ("tests",))
    assert not found, f"{folder} may not import from tests/ (move what it needs out of tests):\n" + "\n".join(found)


def test_the_rules_see_real_imports():
    """The reader itself: it finds plain, from- and relative imports, so an empty result means something."""
    assert "bot.services.audit" in imported(ROOT / "bot/services/verified_lookup.py")
    assert "bot.web.staff.tickets" in imported(ROOT / "bot/web/staff/__init__.py")
    assert offenders("bot/web", ("bot.services",))  # the web views do use the services


@pytest.mark.parametrize("shared", SHARED_ADDONS)
def test_shared_addons_need_only_the_standard_library(shared):
    path = ROOT / (shared.replace(".", "/") + ".py")
    outside = sorted(
        name for name in imported(path)
        if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith(SHARED_ADDONS)
        and name != "__future__.annotations" and name != "rasa_addons"
    )  # fmt: skip
    assert not outside, f"{shared} is shared with the web app and the action server: it may not import {outside}"


def test_no_module_is_over_300_lines():
    counted = [
        path for package in PACKAGES for path in modules(package)
        if not any(str(path.relative_to(ROOT)).startswith(skip) for skip in NOT_COUNTED)
    ]
    sizes = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in counted}
    too_long = sorted((f"{name}: {lines} lines" for name, lines in sizes.items() if lines > MAX_LINES))
    assert not too_long, f"modules over {MAX_LINES} lines (split them by concern):\n" + "\n".join(too_long)
