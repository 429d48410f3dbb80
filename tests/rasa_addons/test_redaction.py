"""The redaction rules on real-looking messages: UK formats, spaced and unspaced, inside sentences."""

import pytest

from rasa_addons.redaction import findall, redact, redact_data, redact_values

# (what a resident might type, what is stored)
CORPUS = [
    # E-mail addresses
    ("my email is jo.bloggs@example.co.uk", "my email is [email]"),
    ("Email: J.Smith+police@Hotmail.com thanks", "Email: [email] thanks"),
    ("you can reach me on sam_o'neil@btinternet.com or by phone", "you can reach me on [email] or by phone"),
    ("write to jo dot bloggs at gmail dot com", "write to jo dot [email]"),
    # Phone numbers
    ("call me on 07700 900123", "call me on [phone]"),
    ("my mobile is 07700900123", "my mobile is [phone]"),
    ("ring 07700-900-123 after 6", "ring [phone] after 6"),
    ("it's +44 7700 900123", "it's [phone]"),
    ("+44 (0)7700 900 123 is my number", "[phone] is my number"),
    ("0044 7700 900123", "[phone]"),
    ("landline 01707 806100 or (01923) 472 000", "landline [phone] or [phone]"),
    ("work: 020 7946 0958.", "work: [phone]."),
    ("my number is 01632960001", "my number is [phone]"),
    # Postcodes
    ("I live in AL1 3AB", "I live in [postcode]"),
    ("postcode al13ab", "postcode [postcode]"),
    ("it happened near WD17 1HP, by the station", "it happened near [postcode], by the station"),
    ("SG1 1AA and sg11aa", "[postcode] and [postcode]"),
    ("EC1A 1BB", "[postcode]"),
    # Crime references, in every form bot.services.cases.details accepts (and other forces')
    ("my crime number is 41/12345/24", "my crime number is [crime-ref]"),
    ("ref 41 12345 24 please", "ref [crime-ref] please"),
    ("41-12345-2024", "[crime-ref]"),
    ("41.123.24 and 41\\1234567\\2023", "[crime-ref] and [crime-ref]"),
    ("it's 41 / 12345 / 24", "it's [crime-ref]"),
    ("Met reference 01/54321/23", "Met reference [crime-ref]"),
    # Complaint and lost-report references
    ("about CRT-2026-00042", "about [complaint-ref]"),
    ("my complaint crt 2026 42", "my complaint [complaint-ref]"),
    ("CRT/2025/1234 status?", "[complaint-ref] status?"),
    ("report LP-7KQ3MX", "report [lost-ref]"),
    ("lp 7kq3mx", "[lost-ref]"),
    # Dates of birth
    ("I was born on 12/03/1985", "I was born on [date-of-birth]"),
    ("DOB 3rd March 1990", "DOB [date-of-birth]"),
    ("date of birth: 01.02.75", "date of birth: [date-of-birth]"),
    ("my birthday is 14 July", "my birthday is [date-of-birth]"),
    ("she was born 21 June 2001", "she was born [date-of-birth]"),
    ("he is 12/03/1985 born", "he is [date-of-birth] born"),
    # Bank card numbers (Luhn)
    ("card 4111 1111 1111 1111 was taken", "card [card] was taken"),
    ("5500-0000-0000-0004", "[card]"),
    ("378282246310005", "[card]"),
    # National Insurance numbers, vehicle registrations
    ("NI number QQ 12 34 56 C", "NI number [ni-number]"),
    ("the car was AB12 CDE", "the car was [vehicle-reg]"),
    ("a silver ford reg yr19xyz", "a silver ford reg [vehicle-reg]"),
    # Addresses
    ("I live at 12 Acacia Avenue, Watford", "I live at [address], Watford"),
    ("flat 3, 45 high street", "[address]"),
    ("outside 7 Church Lane", "outside [address]"),
    # Names: said as such, after a title, after a relation
    ("my name is john smith and I want to complain", "my name is [name] and I want to complain"),
    ("Hi, my name's Aisha Khan", "Hi, my name's [name]"),
    ("PC Jones was rude to me", "PC [name] was rude to me"),
    ("Mrs. Patel next door saw it", "Mrs. [name] next door saw it"),
    ("my partner Dave Jones keeps hitting me", "my partner [name] keeps hitting me"),
    ("my ex-husband Mark follows me", "my ex-husband [name] follows me"),
]

# Ordinary messages that must come through unchanged.
UNCHANGED = [
    "I lost my phone on the 14/11 bus",
    "it happened on 01/02/2024 at about 3pm",
    "I waited 2 hours on the road",
    "it took 3 days in the park",
    "call 999 or 101",
    "I'm 42 years old and scared",
    "my partner keeps hitting me",
    "what's happening with my complaint?",
    "a black iPhone 13 in Watford town centre",
    "4111-1111-1111-1112",  # fails the Luhn check: not a card number
    "I've been waiting since 2019",
]


@pytest.mark.parametrize(("typed", "stored"), CORPUS)
def test_personal_data_is_replaced_by_its_placeholder(typed, stored):
    assert redact(typed) == stored


@pytest.mark.parametrize("typed", UNCHANGED)
def test_ordinary_text_is_left_alone(typed):
    assert redact(typed) == typed


def test_placeholders_are_stable():
    once = redact(" ".join(typed for typed, _ in CORPUS))
    assert redact(once) == once


def test_public_numbers_can_be_kept():
    text = "Call Beacon on 0300 011 5555, or me on 07700 900123"
    assert redact(text, keep=findall("Beacon: 0300 011 5555")) == "Call Beacon on 0300 011 5555, or me on [phone]"


def test_findall_lists_what_would_be_replaced():
    assert findall("ring 01707 806100 about 41/12345/24") == ["41/12345/24", "01707 806100"]
    assert findall("4111-1111-1111-1112") == []


def test_known_values_are_replaced_whole_word_in_any_case():
    text = "- Your name: Zed Quux\n- What happened: Zed's car"
    assert redact_values(text, [("zed quux", "[name]")]) == "- Your name: [name]\n- What happened: Zed's car"
    assert redact_values("no", [("n", "[x]")]) == "no"  # too short to look for


def test_json_values_are_redacted_and_keys_kept():
    data = {"email": "jo@example.org", "n": 3, "items": ["07700 900123", True, None]}
    assert redact_data(data) == {"email": "[email]", "n": 3, "items": ["[phone]", True, None]}


# Characters that look alike or show as nothing cannot carry personal data past the rules: full-width digits and
# letters (a phone keyboard's), zero-width spaces and joiners, soft hyphens, non-breaking spaces.
DISGUISED = [
    ("call me on \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13", "call me on [phone]"),
    ("07700\u200b900123", "[phone]"),
    ("0770\u200d0900\u2060123", "[phone]"),
    ("07700\u00a0900\u00a0123", "[phone]"),
    ("AL10\u200b9AB", "[postcode]"),
    ("\uff21\uff2c\uff11\uff10 \uff19\uff21\uff22", "[postcode]"),
    ("jo\u200b@example.com", "[email]"),
    ("jo.bloggs@exam\u00adple.com", "[email]"),
    ("my crime ref is 41\u200b/12345/24", "my crime ref is [crime-ref]"),
    ("\ufeffmy name is Dave", "my name is [name]"),
]


@pytest.mark.parametrize(("typed", "stored"), DISGUISED)
def test_lookalike_and_invisible_characters_do_not_hide_personal_data(typed, stored):
    assert redact(typed) == stored


MORE_FORMS = [
    # A London number in the international form is a phone number, not a crime reference.
    ("+44 20 7946 0958", "[phone]"),
    ("0 7 7 0 0 9 0 0 1 2 3", "[phone]"),
    # Dates of birth written year first.
    ("dob 1990-02-01", "dob [date-of-birth]"),
    ("I was born on 1985/03/12", "I was born on [date-of-birth]"),
    ("born 1985-3-12 in Watford", "born [date-of-birth] in Watford"),
    # "High St", as the address rule's own comment says, and courts and places.
    ("flat 3, 4 High St", "[address]"),
    ("I live at 9 Mill Place", "I live at [address]"),
]


@pytest.mark.parametrize(("typed", "stored"), MORE_FORMS)
def test_more_forms_of_personal_data_are_replaced(typed, stored):
    assert redact(typed) == stored


# Year-first dates that are no birth date are kept, as other dates are.
@pytest.mark.parametrize("typed", ["it happened on 2024-02-01", "it was 2023/11/14 at night", "my 2 hours walk"])
def test_year_first_dates_of_events_are_kept(typed):
    assert redact(typed) == typed


def test_public_numbers_written_with_non_breaking_spaces_can_be_kept():
    answer = "Call Beacon on 0300\u00a0011\u00a05555."
    assert redact(answer, keep=findall(answer)) == "Call Beacon on 0300 011 5555."


def test_a_long_message_is_redacted_in_linear_time():
    import time

    for text in ("a" * 50_000, "jo.bloggs" * 5_000, "x at " * 10_000):
        started = time.perf_counter()
        redact(text)
        assert time.perf_counter() - started < 1.0, text[:20]
