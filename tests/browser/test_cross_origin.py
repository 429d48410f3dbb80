"""The widget on the Commissioner's site, the web app on another origin (BOT_CORS_ORIGINS), in Chromium: every
error reaches the widget, is said kindly, and nothing is retried for ever."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import Widget

MINUTE_MS = 60_000


def _open(page, edge) -> Widget:
    page.clock.install()  # the widget's waits run on a clock the test moves
    page.goto(edge.site)
    widget = Widget(page)
    widget.open()
    return widget


def _until(page, condition, timeout_ms: int = 10_000) -> None:
    """Wait (letting Playwright deliver the page's events) until the condition holds."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out waiting")


def _send(widget: Widget, text: str) -> None:
    widget.input.fill(text)
    widget.input.press("Enter")


def test_a_conversation_across_origins_under_a_strict_csp(site_page, edge):
    widget = _open(site_page, edge)
    widget.ask("hello")
    expect(widget.bot_messages().last).to_have_text("Assistant: echo: hello")
    assert site_page.url.startswith(edge.site) and edge.api not in site_page.url
    assert site_page.csp_violations == []  # the widget needs no inline script or style on the host page


def test_a_429_waits_as_told_then_gives_up_with_the_message_kept(site_page, edge):
    widget = _open(site_page, edge)
    for text in ["one", "two", "three"]:  # the web app allows 3 a minute per conversation here
        widget.ask(text)
    with site_page.expect_response(lambda r: r.url.endswith("/api/chat") and r.status == 429) as refused:
        _send(widget, "four")
    # The server's wait, not a fixed figure: it counts from the first of the three, so a slow machine shortens it.
    wait = int(refused.value.headers["retry-after"])
    assert 1 <= wait <= 60
    expect(site_page.locator(".network")).to_have_text(re.compile(rf"I'll send yours again in {wait} seconds?\b"))
    expect(widget.user_messages().last).to_contain_text("Waiting to send")
    assert len(site_page.chats) == 4
    for attempt in range(3):  # three more tries, each after the Retry-After
        site_page.clock.run_for(MINUTE_MS + 1000)
        _until(site_page, lambda n=5 + attempt: len(site_page.chats) == n)
        # The 429 must be in before the clock moves again, or the widget's 15 s wait for an answer runs out first.
        _until(site_page, lambda n=5 + attempt: len(site_page.answered) == n)
        site_page.wait_for_timeout(300)  # real time, for the widget to read it (the page's clock stands still)
    expect(widget.bot_messages().last).to_contain_text("sending messages very quickly")
    expect(widget.user_messages().last).to_contain_text("Not sent")
    expect(widget.input).to_have_value("four")
    sent = len(site_page.chats)
    assert sent == 7  # the first try and three retries
    site_page.clock.run_for(30 * MINUTE_MS)
    site_page.wait_for_timeout(500)
    assert len(site_page.chats) == sent  # and then nothing more


def test_a_410_starts_a_new_conversation(site_page, edge):
    widget = _open(site_page, edge)
    widget.ask("hello")
    old = widget.sender()
    assert edge.forget(old) == 204  # the quick exit in another tab of this conversation
    _send(widget, "are you there")
    expect(widget.bot_messages().last).to_contain_text("That conversation had ended, so I've started a new one")
    expect(widget.user_messages().last).to_contain_text("Not sent")
    expect(widget.input).to_have_value("are you there")
    assert widget.sender() != old
    site_page.clock.run_for(10 * MINUTE_MS)
    site_page.wait_for_timeout(300)
    assert len(site_page.chats) == 2  # the 410 was not retried
    before = widget.bot_messages().count()  # counted before sending: a quick answer must not be counted as "before"
    widget.input.press("Enter")
    widget.wait_for_answer(before)
    expect(widget.bot_messages().last).to_have_text("Assistant: echo: are you there")


def test_a_503_gives_the_phone_numbers_and_999(site_page, edge):
    widget = _open(site_page, edge)
    edge.rasa.down = True
    try:
        _send(widget, "hello")
        apology = widget.bot_messages().last
        expect(apology).to_contain_text("Sorry, I can't answer just now")
        for number in ["101", "0300 011 5555", "999"]:
            expect(apology).to_contain_text(number)
        expect(widget.user_messages().last).to_contain_text("Not sent")
        expect(widget.input).to_have_value("hello")
        site_page.clock.run_for(10 * MINUTE_MS)
        site_page.wait_for_timeout(300)
        assert len(site_page.chats) == 1  # shown at once, never retried behind the resident's back
    finally:
        edge.rasa.down = False


def test_a_lost_connection_is_retried_a_few_times_then_given_back(site_page, edge):
    widget = _open(site_page, edge)
    site_page.route(f"{edge.api}/api/chat", lambda route: route.abort("internetdisconnected"))
    _send(widget, "hello")
    expect(site_page.get_by_role("alert")).to_contain_text("offline")
    expect(widget.user_messages().last).to_contain_text("Waiting to send")
    for tries in range(2, 7):  # five retries, 1, 2, 4, 8 and 16 s apart
        site_page.clock.run_for(16_000)
        _until(site_page, lambda n=tries: len(site_page.chats) == n)
    expect(widget.bot_messages().last).to_contain_text("couldn't reach the assistant")
    expect(widget.bot_messages().last).to_contain_text("999")
    expect(widget.input).to_have_value("hello")
    tries = len(site_page.chats)
    assert tries == 6  # the first try and five retries, with back-off
    site_page.clock.run_for(30 * MINUTE_MS)
    site_page.wait_for_timeout(300)
    assert len(site_page.chats) == tries


def test_the_same_words_sent_again_after_a_timeout_are_one_message_answered_once(site_page, edge):
    widget = _open(site_page, edge)
    ids: list[str] = []
    site_page.on("request", lambda r: ids.append(r.post_data_json["message_id"])
                 if r.method == "POST" and r.url.endswith("/api/chat") else None)  # fmt: skip
    edge.rasa.delay = 6.0  # Rasa answers after the web app's 5 s, but within the 10 s it still awaits the turn
    try:
        _send(widget, "my name is Robin")
        expect(widget.bot_messages().last).to_contain_text("Sorry, I can't answer just now")
        expect(widget.user_messages().last).to_contain_text("Not sent")
        expect(widget.input).to_have_value("my name is Robin")
    finally:
        edge.rasa.delay = 0.0
    _until(site_page, lambda: any(b["message"] == "my name is Robin" for b in edge.rasa.answered))
    widget.input.press("Enter")  # the resident sends it again, as the apology asks
    expect(widget.bot_messages().last).to_have_text("Assistant: echo: my name is Robin")
    assert len(ids) == 2 and ids[0] == ids[1]  # sent again with its id: the web app knew it for the same message
    assert [b["message"] for b in edge.rasa.received].count("my name is Robin") == 1  # Rasa saw it once
    widget.ask("my name is Robin")  # the same words later, after an answer, are a new message
    assert len(ids) == 3 and ids[2] != ids[0]
    assert [b["message"] for b in edge.rasa.received].count("my name is Robin") == 2
