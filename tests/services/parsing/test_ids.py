"""Row ids from URLs and forms: ASCII digits within the database's Integer columns."""

import pytest

from bot.services.parsing.ids import MAX_ID, parse_id


def test_ids_stop_at_the_largest_integer_the_database_holds():
    assert MAX_ID == 2**31 - 1
    assert parse_id(str(MAX_ID)) == MAX_ID and parse_id("1") == 1 and parse_id("007") == 7


@pytest.mark.parametrize("raw", ["99999999999", "2147483648", "9" * 5000, "", None, "-1", "+1", " 1", "1_0", "²"])
def test_anything_else_is_no_id(raw):
    assert parse_id(raw) is None
