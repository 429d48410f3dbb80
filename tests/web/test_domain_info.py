"""What the web app reads from domain.yml: the payloads that may pass, and each response's kind."""

import uuid

import pytest
from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from bot.web.domain_info import ANSWER, NOTHING_KEPT, OTHER, SAFETY, DomainInfo

DOMAIN = YAML(typ="safe").load((PROJECT_ROOT / "domain.yml").read_text())


@pytest.fixture(scope="module")
def info() -> DomainInfo:
    return DomainInfo.load(PROJECT_ROOT / "domain.yml")


def _text(name: str) -> str:
    return DOMAIN["responses"][name][0]["text"]


def test_every_button_of_the_domain_passes(info):
    # As Rasa sends them: it fills placeholders in buttons too, so braces that are not one are doubled.
    payloads = {
        button["payload"].replace("{{", "{").replace("}}", "}")
        for variations in DOMAIN["responses"].values()
        for variation in variations
        for button in variation.get("buttons") or []
        if button["payload"].startswith("/")
    }
    assert payloads == info.payloads
    assert '/feedback{"helpful": true}' in payloads
    assert '/feedback{"helpful": false}' in payloads
    for payload in payloads:
        assert info.as_words(payload) == payload


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("/report_crime", "/report_crime"),  # a bare intent of the domain (the "Did you mean" buttons)
        ('/case_status{"case_reference": "41/10234/26"}', 'case_status{"case_reference": "41/10234/26"}'),
        ('/feedback{"helpful": "yes please"}', 'feedback{"helpful": "yes please"}'),
        ("/no_such_intent", "no_such_intent"),
        ("// / i lost my phone", "i lost my phone"),
        ("/", ""),
        ("hello / there", "hello / there"),
    ],
)
def test_other_slash_messages_are_words(info, typed, sent):
    assert info.as_words(typed) == sent


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        ("utter_emergency", SAFETY),
        ("utter_domestic_abuse", SAFETY),
        ("utter_sexual_violence", SAFETY),
        ("utter_stalking_harassment", SAFETY),
        ("utter_support_assault", SAFETY),
        ("utter_not_coping", SAFETY),
        ("utter_beacon_info", ANSWER),
        ("utter_report_crime", ANSWER),  # mentions 999 but is an answer, not a disclosure's help
        ("utter_capabilities", ANSWER),
        ("utter_complain_police", ANSWER),
        ("utter_greet", OTHER),
        ("utter_thank", OTHER),
        ("utter_ask_complaint_narrative", OTHER),  # a form's question
        ("utter_ask_case_reference", OTHER),
        ("utter_case_status_intro", OTHER),
    ],
)
def test_kinds_of_responses(info, response, kind):
    assert info.kind(_text(response)) == kind


def test_templated_responses_are_recognised(info):
    template = _text("utter_complaint_status_found")
    assert "{reference}" in template
    filled = template.replace("{reference}", "CRT-2026-00042").replace("{submitted_on}", "1 May 2026")
    filled = filled.replace("{status_text}", "Received.").replace("{team_phone}", "01707 806100")
    assert info.kind(filled) == OTHER
    assert info.kind("Something an action wrote") == OTHER


def test_annotate_adds_kinds_and_keeps_the_rest(info):
    sender = str(uuid.uuid4())
    replies = [
        {"recipient_id": sender, "text": _text("utter_emergency")},
        {"recipient_id": sender, "text": _text("utter_beacon_info"), "buttons": [{"title": "a", "payload": "/b"}]},
        {"recipient_id": sender, "custom": {"x": 1}},
    ]
    assert [r["kind"] for r in info.annotate(replies)] == [SAFETY, ANSWER, OTHER]
    assert info.annotate(replies)[1]["buttons"] == [{"title": "a", "payload": "/b"}]


def test_a_payload_with_json_is_written_with_doubled_braces_so_rasa_does_not_take_it_for_a_slot():
    raw = [
        button["payload"]
        for variations in DOMAIN["responses"].values()
        for variation in variations
        for button in variation.get("buttons") or []
        if "helpful" in button["payload"]
    ]
    assert raw and all(payload.startswith("/feedback{{") and payload.endswith("}}") for payload in raw)


def test_every_response_saying_nothing_typed_was_kept_clears_the_cached_replies(info):
    # Such a promise is only true if the replies cached for resends (a read-back repeats answers) go too.
    promising = {
        name for name, variations in DOMAIN["responses"].items() for variation in variations
        if "haven't kept" in variation.get("text", "")
    }
    assert promising == NOTHING_KEPT
    for name in sorted(promising):
        assert info.says_nothing_kept([{"recipient_id": "s", "text": _text(name)}]), name
    assert not info.says_nothing_kept([{"text": _text("utter_greet")}, {"image": "x"}])
