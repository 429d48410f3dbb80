"""What every importer shares: reading the rows of an export, and the line numbers its errors name."""

from dataclasses import dataclass

import pytest

from bot.services.csv_import import ImportFileError, parse_rows


@dataclass(frozen=True)
class Row:
    reference: str


def _row(line, record):
    if record["reference"].startswith("bad"):
        raise ValueError("bad row")
    return Row(record["reference"])


def test_a_byte_order_mark_before_the_header_is_not_part_of_its_first_column():
    rows, errors = parse_rows("\ufeffreference,note\nA1,x\n", ["reference"], _row)
    assert (rows, errors) == ([Row("A1")], [])


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_bad_row_after_a_field_of_several_lines_is_named_by_its_own_line(newline):
    text = newline.join(["reference,note", "A1,x", f'bad1,"two{newline}lines"', "bad2,y", ""])
    rows, errors = parse_rows(text, ["reference"], _row)
    assert rows == [Row("A1")]
    assert [(error.line, error.reason) for error in errors] == [(3, "bad row"), (5, "bad row")]


@pytest.mark.parametrize(
    ("broken", "problem"), [("A\x00B", "NUL"), ('"' + "x" * 200_000 + '"', "field larger than field limit")]
)
def test_a_file_that_is_not_csv_names_the_line_that_broke_it(broken, problem):
    text = "\n".join(["reference,note", "A1,x", "A2,y", f"{broken},z", "A3,w", ""])
    with pytest.raises(ImportFileError) as error:
        parse_rows(text, ["reference"], _row)
    assert str(error.value).startswith("line 4:") and problem in str(error.value)
