"""What residents type into the complaint form: contact details and the incident date, each by its rule."""

from datetime import date

import pytest

from bot.services.complaints import answers
from bot.services.complaints.details import ComplaintError

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", date(2026, 11, 21)),
        ("yesterday", date(2026, 11, 20)),
        ("last night about 11pm", date(2026, 11, 20)),
        ("last Tuesday", date(2026, 11, 17)),
        ("on Saturday", date(2026, 11, 14)),  # today is Saturday: the one before
        ("2 weeks ago", date(2026, 11, 7)),
        ("three days ago", date(2026, 11, 18)),
        ("a couple of months ago", date(2026, 9, 21)),
        ("3/4/2026", date(2026, 4, 3)),  # UK order
        ("03.04.26", date(2026, 4, 3)),
        ("2026-03-04", date(2026, 3, 4)),
        ("3rd March", date(2026, 3, 3)),
        ("the 5th of November", date(2026, 11, 5)),
        ("December 24", date(2025, 12, 24)),  # no year: the most recent one
        ("March 3rd 2025", date(2025, 3, 3)),
        ("in October 2025", date(2025, 10, 1)),
        ("last December", date(2025, 12, 1)),
        ("it was on 12 Sept 2025 in the evening", date(2025, 9, 12)),
    ],
)
def test_dates_as_residents_type_them(typed, expected):
    assert answers.parse_incident_date(typed, today=TODAY) == expected


@pytest.mark.parametrize("typed", ["no idea", "it may have been", "31/02/2026", "", "the 40th of March"])
def test_what_is_not_a_date(typed):
    with pytest.raises(ComplaintError) as error:
        answers.parse_incident_date(typed, today=TODAY)
    assert error.value.reason == "format"


@pytest.mark.parametrize("typed", ["tomorrow's date 22/11/2026", "1 January 2027", "2026-12-01"])
def test_future_dates_are_refused(typed):
    with pytest.raises(ComplaintError) as error:
        answers.parse_incident_date(typed, today=TODAY)
    assert error.value.reason == "future"


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        (" Sam@Example.COM ", "sam@example.com"),
        ("my email is sam.t+complaints@mail.example.org", "sam.t+complaints@mail.example.org"),
    ],
)
def test_emails_are_normalised(typed, email):
    assert answers.normalise_email(typed) == email


@pytest.mark.parametrize("typed", ["sam@", "sam at example dot com", "<script>@x.com", "a@b"])
def test_bad_emails_are_refused(typed):
    with pytest.raises(ComplaintError):
        answers.normalise_email(typed)


@pytest.mark.parametrize(
    ("typed", "phone"),
    [("07700 900123", "07700900123"), ("+44 (0)7700-900-123", "07700900123"), ("01707 806100", "01707806100"),
     ("my number is 0044 1707 806100", "01707806100")],
)
def test_phones_are_normalised(typed, phone):
    assert answers.normalise_phone(typed) == phone


@pytest.mark.parametrize("typed", ["12345", "call me", "+1 202 555 0100", "077009001234567"])
def test_bad_phones_are_refused(typed):
    with pytest.raises(ComplaintError):
        answers.normalise_phone(typed)


@pytest.mark.parametrize(
    ("typed", "role"),
    [("I was affected", "affected"), ("it happened to my son", "behalf"), ("I saw it as a witness", "witness"),
     ("on behalf of my mum", "behalf"), ("the weather", None)],
)
def test_who_is_complaining(typed, role):
    if role is None:
        with pytest.raises(ComplaintError):
            answers.normalise_role(typed)
    else:
        assert answers.normalise_role(typed) == role


@pytest.mark.parametrize(
    ("typed", "preference"), [("phone me please", "phone"), ("Email is best", "email"), ("write to me", "email"),
                              ("whatever", None)]
)
def test_the_preferred_way_of_contact(typed, preference):
    if preference is None:
        with pytest.raises(ComplaintError):
            answers.normalise_contact_preference(typed)
    else:
        assert answers.normalise_contact_preference(typed) == preference


@pytest.mark.parametrize(("typed", "answer"), [("yes please", "yes"), ("not really", "no"), ("not sure", "unsure")])
def test_formally_recorded_or_not(typed, answer):
    assert answers.normalise_recorded(typed) == answer
    with pytest.raises(ComplaintError):
        answers.normalise_recorded("purple")


def test_names_lose_their_lead_in_and_need_letters():
    assert answers.normalise_name("my name is Sam Taylor.") == "Sam Taylor"
    assert answers.normalise_name("I'm Jo") == "Jo"
    for typed in ("123", "x", "skip", "a" * 121):
        with pytest.raises(ComplaintError) as error:
            answers.normalise_name(typed)
        assert error.value.field == "name"


@pytest.mark.parametrize("typed", [
    "I want to take my complaint further", "i\u2019m not giving my name", "I am not telling you my name",
])
def test_a_sentence_about_the_complaint_is_not_a_name(typed):
    with pytest.raises(ComplaintError):
        answers.normalise_name(typed)


@pytest.mark.parametrize("name", [
    "Sam Taylor", "Mary-Jane O'Neil", "I. M. Pei", "Ma Me Ling", "Maria del Carmen García López",
    "Amy Was", "Tran Thi Me Linh", "Dr Sam Taylor-Smith Jr", "Nguyễn Thị Minh Khai",
])
def test_names_of_any_length_and_script_are_taken_as_typed(name):
    assert answers.normalise_name(name) == name.strip(".")


def test_what_happened_needs_a_few_words_and_is_cut_at_the_limit():
    assert answers.normalise_narrative("  he shouted at me  ") == "he shouted at me"
    assert len(answers.normalise_narrative("word " * 2000)) == answers.NARRATIVE_MAX
    for typed in ("rude", "not sure", ""):
        with pytest.raises(ComplaintError):
            answers.normalise_narrative(typed)


@pytest.mark.parametrize(
    ("typed", "field"),
    [("email", "email"), ("my phone number", "phone"), ("the date", "date"), ("who was involved", "people"),
     ("witnesses", "witnesses"), ("who is complaining", "role"), ("the moon", None)],
)
def test_the_answer_to_change(typed, field):
    assert answers.field_to_change(typed) == field
