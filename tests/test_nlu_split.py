"""The held-out NLU examples (tests/nlu/) are a real test split: none of them is in the training data."""

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SECTION = re.compile(r"^- (\w+): (\S+)\s*$")  # "- intent: greet"; also "- regex: postcode", not examples
_EXAMPLE = re.compile(r"^\s+- (.+?)\s*$")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")  # [text]{"entity": ...} or [text](entity)


def section_examples(path: Path, kind: str) -> Iterator[tuple[str, str]]:
    """(name, example as written) for every example under a `- <kind>: <name>` section of a Rasa NLU file."""
    name = None
    for line in path.read_text().splitlines():
        if match := _SECTION.match(line):
            name = match.group(2) if match.group(1) == kind else None
        elif name and (match := _EXAMPLE.match(line)):
            yield name, match.group(1)


def examples(folder: Path) -> dict[str, str]:
    """Every example in the Rasa NLU files of `folder`, normalised, mapped to its intent."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        for intent, example in section_examples(path, "intent"):
            text = _ANNOTATION.sub(r"\1", example)
            found[" ".join(text.lower().split())] = intent
    return found


def test_the_held_out_examples_cover_every_intent():
    training, held_out = examples(ROOT / "data" / "nlu"), examples(ROOT / "tests" / "nlu")
    assert set(held_out.values()) == set(training.values())


def test_no_held_out_example_is_in_the_training_data():
    training, held_out = examples(ROOT / "data" / "nlu"), examples(ROOT / "tests" / "nlu")
    assert sorted(set(held_out) & set(training)) == []
