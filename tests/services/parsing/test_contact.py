"""E-mail addresses and UK phone numbers, typed alone or in a sentence."""

import pytest

from bot.services.parsing import ParseError
from bot.services.parsing.contact import normalise_contact, normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        (" Sam@Example.COM ", "sam@example.com"),
        ("sam@example.com.", "sam@example.com"),
        ("my email is sam.t+complaints@mail.example.org", "sam.t+complaints@mail.example.org"),
        ("email: jo@example.org", "jo@example.org"),
        ("you can reach me at jo@example.org thanks", "jo@example.org"),
        ("Jo Bloggs <jo@example.org>", "jo@example.org"),
    ],
)
def test_emails_are_found_and_lower_cased(typed, email):
    assert normalise_email(typed) == email


@pytest.mark.parametrize(
    "typed", ["", "sam@", "sam at example dot com", "<script>@x.com", "a@b", "a@b.c", "jo@@example.org",
              "one@example.org two@example.org", "x" * 65 + "@example.org"]
)
def test_what_is_not_an_email_is_refused(typed):
    with pytest.raises(ParseError) as error:
        normalise_email(typed)
    assert error.value.reason == "email"


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("07700 900123", "07700900123"),
        ("07700900123", "07700900123"),
        ("07700-900-123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("+44 (0)7700-900-123", "07700900123"),
        ("0044 1707 806100", "01707806100"),
        ("(01707) 806100", "01707806100"),
        ("my number is 0044 1707 806100", "01707806100"),
        ("mobile: 07700 900 123", "07700900123"),
    ],
)
def test_uk_phone_numbers_become_digits(typed, phone):
    assert normalise_phone(typed) == phone


@pytest.mark.parametrize("typed", ["", "12345", "call me", "+1 202 555 0100", "077009001234567", "07700"])
def test_what_is_not_a_uk_phone_number_is_refused(typed):
    with pytest.raises(ParseError) as error:
        normalise_phone(typed)
    assert error.value.reason == "phone"


def test_a_contact_is_an_email_or_else_a_phone_number():
    assert normalise_contact("Jo@Example.ORG") == "jo@example.org"
    assert normalise_contact("+44 (0)7700 900123") == "07700900123"
    for typed in ("jo@", "call me"):
        with pytest.raises(ParseError) as error:
            normalise_contact(typed)
        assert error.value.reason == "contact"


def test_a_staff_address_is_taken_as_it_is():
    assert normalise_email(" Officer@Herts.PCC.example ", typed_in_chat=False) == "officer@herts.pcc.example"
    hostile = "<script>alert(1)</script>@herts-pcc.example"  # refused from residents, escaped wherever shown
    assert normalise_email(hostile, typed_in_chat=False) == hostile
    with pytest.raises(ParseError):
        normalise_email(hostile)
    for typed in ("my email is jo@example.org", "not-an-email", "a@b"):
        with pytest.raises(ParseError):
            normalise_email(typed, typed_in_chat=False)
