"""Triage by the law's tests, on realistic complaint texts: every flag and category, and texts that must not flag."""

from datetime import date

import pytest

from bot.services.complaints import triage
from bot.services.complaints.triage import ComplaintText

TODAY = date(2026, 11, 21)


def run(narrative, **answers):
    return triage.triage(ComplaintText(narrative=narrative, **answers), today=TODAY)


def flag(result, code):
    return next((item for item in result.flags if item.code == code), None)


# --- categories ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "trigger"),
    [
        ("PC 1234 was rude and swore at me when I asked why my car was being searched.", "officer_conduct", "PC"),
        ("The officer who came round laughed at me and refused to take my statement.", "officer_conduct", "officer"),
        ("A PCSO shouted at my son in the park for no reason.", "officer_conduct", "PCSO"),
        ("I rang 101 three times about the burglary and nobody ever called back.", "service_or_policy", "101"),
        ("They closed my case after two days without looking at my CCTV.", "service_or_policy", "closed my case"),
        ("The police have a policy of not attending shoplifting under £100.", "service_or_policy", "policy"),
        ("The Chief Constable said on the radio that burglary isn't a priority. That's disgraceful.", "chief_constable",
         "Chief Constable"),
        ("I want to complain about the Police and Crime Commissioner wasting money on his office.", "commissioner",
         "Police and Crime Commissioner"),
        ("My neighbour's dog barks all night and the council won't do anything about it.", "not_police", None),
    ],
)
def test_categories(text, category, trigger):
    result = run(text)
    assert result.category == category
    if trigger:
        assert trigger in result.category_triggers
    else:
        assert result.category_triggers == ()


def test_the_chief_constable_is_not_mistaken_for_an_officer():
    assert run("the chief constable and his officers ignore our village").category == "chief_constable"


# --- Schedule 3 flags ------------------------------------------------------------------------------------------


def test_wanting_it_recorded_is_a_flag_and_means_it_must_be_recorded():
    result = run("The officer was rude to me at the front desk.", wants_recorded=True)
    assert flag(result, "wants_recorded").triggers == ("answered yes to having the complaint formally recorded",)
    assert result.must_record
    assert result.handling == "Must be recorded under Schedule 3"


def test_asking_for_a_formal_complaint_in_the_text_is_recorded_too():
    result = run("I want to make a formal complaint about how PC Jones spoke to my mother.")
    assert flag(result, "wants_recorded").triggers == ("formal complaint",)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("When they arrested me they twisted my arm so hard they broke my wrist.", "broke my wrist"),
        ("I was taken to hospital after the officer pushed me down the stairs at the station.", "taken to hospital"),
        ("My brother died after being restrained on the ground for ten minutes.", "died"),
        ("He hit his head on the van door and was knocked out for a minute.", "knocked out"),
    ],
)
def test_death_or_serious_injury(text, trigger):
    result = run(text)
    assert trigger in flag(result, "death_or_serious_injury").triggers
    assert result.must_record
    assert result.priority == 1


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("The officer punched me in the face while I was handcuffed.", "punched"),
        ("PC Smith made racist comments about my family while searching the car.", "racist"),
        ("An officer I met on a call kept sending me messages asking me out, it's harassment.", "harass"),
        ("The sergeant lied in his statement about what I said.", "lied"),
        ("I think someone at the station leaked my address to my ex-partner.", "leaked"),
    ],
)
def test_conduct_that_may_be_criminal_or_disciplinary(text, trigger):
    result = run(text)
    assert trigger in flag(result, "criminal_or_disciplinary").triggers
    assert result.must_record
    assert result.priority <= 2


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("In the cell they refused me my insulin for the whole night even though I told them I'm diabetic.",
         "refused me my insulin"),
        ("They knelt on me, I kept telling them I couldn't breathe.", "couldn't breathe"),
        ("I was strip-searched in front of male officers and it was humiliating.", "strip-search"),
        ("My dad died in custody at Hatfield and nobody will tell us anything.", "died in custody"),
    ],
)
def test_possible_breach_of_articles_2_or_3(text, trigger):
    result = run(text)
    assert trigger in flag(result, "echr_article_2_3").triggers
    assert result.must_record
    assert result.priority == 1


@pytest.mark.parametrize(
    "text",
    [
        "The officer was rude and didn't listen to me when I reported my bike stolen.",
        "Nobody was hurt, but the officer was really dismissive on the phone.",
        "The officer didn't hit me, but he was very aggressive in his tone.",
        "My phone battery died while I was waiting for the police to call back, and they never tried again.",
        "I waited weeks for an update on my burglary and had to chase it myself.",
        "An officer parked the police car across a disabled bay for an hour while buying lunch.",
    ],
)
def test_service_complaints_without_schedule_3_triggers_are_for_service_recovery(text):
    result = run(text, injury_or_damage="no", wants_recorded=False)
    assert not result.must_record, result.flags
    assert result.handling == "Suitable for service recovery outside Schedule 3"
    assert result.priority == 3


# --- time, risk and vulnerability ------------------------------------------------------------------------------


def test_more_than_12_months_is_flagged_with_the_date():
    result = run("The officer was rude to me.", incident_date=date(2025, 9, 1))
    assert flag(result, "out_of_time").triggers == ("incident on 2025-09-01, 14 months ago",)
    assert not result.must_record  # lateness alone does not mean recording


@pytest.mark.parametrize(
    ("incident", "late"),
    [(date(2025, 11, 21), False), (date(2025, 11, 20), True), (date(2026, 11, 1), False), (None, False)],
)
def test_twelve_months_boundary(incident, late):
    assert triage.out_of_time(incident, TODAY) is late


def test_a_29_february_incident_is_late_from_2_march_next_year():
    assert not triage.out_of_time(date(2024, 2, 29), date(2025, 3, 1))
    assert triage.out_of_time(date(2024, 2, 29), date(2025, 3, 2))


def test_signs_of_risk_make_it_urgent():
    result = run("Since I complained the officer keeps driving past my house, he knows where I live and I'm not safe.")
    assert set(flag(result, "risk").triggers) == {"knows where I live", "not safe"}
    assert result.priority == 1


def test_vulnerability_and_distress_raise_the_priority():
    result = run("My son is autistic and the officers shouted at him until he was in tears.")
    assert {"autis", "in tears"} <= set(flag(result, "vulnerability").triggers)
    assert result.priority == 2


def test_flags_keep_the_words_as_typed_and_at_most_five():
    text = "He punched me, kicked me, slapped me, shoved me, then assaulted my friend and threatened us."
    triggers = flag(run(text), "criminal_or_disciplinary").triggers
    assert triggers[0] == "punched"
    assert len(triggers) == triage.MAX_TRIGGERS


def test_redirected_categories_say_so_even_when_flagged():
    result = run("The Police and Crime Commissioner lied to the public about the budget.")
    assert result.category == "commissioner"
    assert result.handling == "Redirect to the Police and Crime Panel"
