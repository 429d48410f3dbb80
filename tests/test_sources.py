"""Every fact cites a public source listed in docs/sources.md, by id, never by a path a clone does not have.

A citation is a comment starting with `Sources:` followed by ids in square brackets (`[pcc-ar-2014-15]`),
each optionally followed by a note; it may run on over the comment lines right after it (docs/sources.md,
"How to cite a source"). In domain.yml, every response that gives a phone number has such a comment
directly above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES_PAGE = ROOT / "docs" / "sources.md"
DOMAIN = ROOT / "domain.yml"

_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_DEFINITION = re.compile(rf"^### \[({_ID})\] \S", re.MULTILINE)  # "### [pcc-ar-2014-15] Title"
_CITED = re.compile(rf"\[({_ID})\]")
_MARKER = "Sources:"
OLD_PATHS = ("shared/seeds", "../shared")

# UK phone numbers as the responses write them: 0300 011 5555, 08088 088088, 0800 40 50 40, 01707 806100,
# 116 123, and the short numbers 999, 101, 111 and 18000. Not crime references (41/12345/24), complaint
# references (CRT-2026-00042), dates (03/03/2026) or postcodes.
_PHONE = re.compile(r"(?<![\w/.-])(?:0\d{2,4}(?:[ -]?\d{2,4}){1,3}|116 ?\d{3}|18000|999|101|111)(?![\w/-])")


def phone_numbers(text: str) -> list[str]:
    """The UK phone numbers written in `text`."""
    found = []
    for match in _PHONE.finditer(text):
        number = match.group(0)
        digits = re.sub(r"\D", "", number)
        if number.startswith("0") and not 10 <= len(digits) <= 11:
            continue  # too short or too long for a UK number: not a phone number
        found.append(number)
    return found


def defined_ids(text: str) -> list[str]:
    """The source ids docs/sources.md defines, in order (duplicates kept, so they can be caught)."""
    return _DEFINITION.findall(text)


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def citations(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, ids cited) for every `Sources:` citation, its run-on comment lines included."""
    lines = list(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        if _MARKER not in line:
            index += 1
            continue
        start, ids = index + 1, _CITED.findall(line.split(_MARKER, 1)[1])
        index += 1
        if _is_comment(line):
            while index < len(lines) and _is_comment(lines[index]) and _MARKER not in lines[index]:
                ids += _CITED.findall(lines[index])
                index += 1
        yield start, ids


def scanned_files() -> list[Path]:
    """The files whose citations are checked: the domain, the training data, the README and our Python."""
    files = [DOMAIN, ROOT / "README.md", *sorted((ROOT / "data").rglob("*.yml"))]
    for folder in ("bot", "actions", "rasa_addons"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def responses_with_comments(text: str) -> Iterator[tuple[str, int, list[str], str]]:
    """(name, line number, the comment lines directly above it, its text) for every response in a domain file."""
    lines = text.splitlines()
    inside = False
    current: tuple[str, int, list[str]] | None = None
    body: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line and not line[0].isspace() and not line.startswith("#"):
            if current:
                yield (*current, "\n".join(body))
                current = None
            inside = line.startswith("responses:")
            continue
        if not inside:
            continue
        if match := re.match(r"^  (\w+):\s*$", line):
            if current:
                yield (*current, "\n".join(body))
            above: list[str] = []
            back = number - 2
            while back >= 0 and _is_comment(lines[back]):
                above.insert(0, lines[back])
                back -= 1
            current, body = (match.group(1), number, above), []
        elif current and not _is_comment(line):
            body.append(line)
    if current:
        yield (*current, "\n".join(body))


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- the helpers themselves -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Call Beacon on 0300 011 5555 (7am to 10pm).", ["0300 011 5555"]),
        ("Tel 0300 011 55 55", ["0300 011 55 55"]),
        ("the helpline is 08088 088088, or 0808 2000 247", ["08088 088088", "0808 2000 247"]),
        ("text 61016 or call 0800 40 50 40", ["0800 40 50 40"]),
        ("01707 806100 or 01707 806 100", ["01707 806100", "01707 806 100"]),
        ("call 999, or 101, or NHS 111; Samaritans on 116 123", ["999", "101", "111", "116 123"]),
        ("use Relay UK (18000), or Missing People on 116 000", ["18000", "116 000"]),
        ("for example 07700 900123 or name@example.com", ["07700 900123"]),
    ],
)
def test_phone_numbers_are_found_as_responses_write_them(text, numbers):
    assert phone_numbers(text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        "It looks like 41/12345/24, or 41 12345 24",
        "your reference is CRT-2026-00042",
        "a date like 03/03/2026 or 14/11",
        "postcode AL5 4GZ, 15 Vaughan Road",
        "press 55 when asked",
        "about 15 short questions, within 2 years, 24 hours, 250,000 people",
    ],
)
def test_references_dates_and_other_numbers_are_not_phone_numbers(text):
    assert phone_numbers(text) == []


def test_a_citation_runs_on_over_the_comment_lines_after_it_and_stops_at_the_first_other_line():
    lines = [
        "  # Sources: [pcc-ar-2014-15] (Beacon 0300 011 5555),",
        "  # [samaritans] (116 123).",
        "  utter_example:",
        "  # not a citation: [emergency]",
        "x = 1  # Sources: [police-101]",
    ]
    assert list(citations(lines)) == [(1, ["pcc-ar-2014-15", "samaritans"]), (5, ["police-101"])]


def test_the_comments_directly_above_a_response_are_its_own():
    domain = "\n".join(
        [
            "intents:",
            "  - greet",
            "responses:",
            "  # Sources: [emergency-999]",
            "  utter_one:",
            '    - text: "call 999"',
            "",
            "  # about something else",
            "",
            "  utter_two:",
            '    - text: "hello"',
            "slots: {}",
        ]
    )
    found = [(name, above) for name, _, above, _ in responses_with_comments(domain)]
    assert found == [("utter_one", ["  # Sources: [emergency-999]"]), ("utter_two", [])]


# --- the repository --------------------------------------------------------------------------------------


def test_the_sources_page_defines_each_id_once():
    ids = defined_ids(SOURCES_PAGE.read_text())
    assert len(ids) >= 10, "docs/sources.md should define the sources as '### [id] Title' headings"
    duplicates = sorted({source for source in ids if ids.count(source) > 1})
    assert duplicates == [], f"ids defined more than once in docs/sources.md: {duplicates}"


def test_every_cited_id_is_defined_in_the_sources_page():
    defined = set(defined_ids(SOURCES_PAGE.read_text()))
    unknown = [
        f"{_relative(path)}:{line}: [{source}]"
        for path in scanned_files()
        for line, ids in citations(path.read_text().splitlines())
        for source in ids
        if source not in defined
    ]
    assert unknown == [], "cited ids missing from docs/sources.md:\n" + "\n".join(unknown)


def test_every_sources_comment_cites_at_least_one_id():
    empty = [
        f"{_relative(path)}:{line}"
        for path in scanned_files()
        for line, ids in citations(path.read_text().splitlines())
        if not ids
    ]
    assert empty == [], "'Sources:' without any [id] (cite ids from docs/sources.md):\n" + "\n".join(empty)


def test_nothing_cites_the_documents_by_a_path_outside_the_repository():
    offenders = [
        f"{_relative(path)}:{number}: {line.strip()}"
        for path in scanned_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if any(old in line for old in OLD_PATHS)
    ]
    assert offenders == [], "cite the id from docs/sources.md instead of a path:\n" + "\n".join(offenders)


def test_every_response_with_a_phone_number_has_a_sources_comment_above_it():
    offenders = []
    for name, line, above, text in responses_with_comments(DOMAIN.read_text()):
        numbers = phone_numbers(text)
        cited = [ids for _, ids in citations(above) if ids]
        if numbers and not cited:
            offenders.append(f"domain.yml:{line}: {name} gives {', '.join(numbers)}")
    assert offenders == [], "responses giving a phone number with no 'Sources: [id]' comment above:\n" + "\n".join(
        offenders
    )


def test_the_domain_has_responses_with_phone_numbers_to_check():
    # Guards the parser: if it stopped finding responses, the check above would pass on nothing.
    checked = [name for name, _, _, text in responses_with_comments(DOMAIN.read_text()) if phone_numbers(text)]
    assert {"utter_emergency", "utter_beacon_info", "utter_domestic_abuse"} <= set(checked)
