"""The chat widget in a real browser: a conversation, reloads and tabs, safe rendering, network drops."""

import json

import pytest
from playwright.sync_api import Route, expect

from tests.browser.helpers import PHONE, Widget, screenshot

pytestmark = pytest.mark.stack


def test_ask_a_question_and_click_a_quick_reply(page):
    page.goto("/")
    widget = Widget(page)
    screenshot(page, "page-desktop")
    widget.open()
    notice = page.locator(".notice")
    expect(notice).to_contain_text("personal details")
    expect(notice).to_contain_text("In an emergency call 999")
    expect(widget.input).to_be_focused()

    widget.ask("hello")
    expect(widget.bot_messages().last).to_contain_text("automated assistant")
    count = widget.bot_messages().count()
    widget.reply("What can you help with?").click()
    widget.wait_for_answer(count)
    expect(widget.user_messages().last).to_have_text("You said: What can you help with?")
    expect(widget.bot_messages().last).to_contain_text("I can help you with")
    expect(widget.reply("Report a crime")).to_be_visible()
    expect(page.get_by_role("group", name="Was this helpful?")).to_be_visible()
    screenshot(page, "widget-desktop")


def _said_hello_and_typed_more(page) -> tuple[Widget, str]:
    """A conversation of one message, with a second half-typed in the box; the widget and its sender id."""
    page.goto("/")
    widget = Widget(page)
    widget.open()
    widget.ask("hello")
    widget.input.fill("half-typed question")
    return widget, widget.sender()


def test_conversation_survives_a_reload_but_not_a_new_tab(page, context):
    widget, sender = _said_hello_and_typed_more(page)

    page.reload()
    expect(widget.panel).to_be_visible()  # still open, as it was
    expect(widget.bot_messages().nth(1)).to_contain_text("automated assistant")
    expect(widget.user_messages()).to_have_text(["You said: hello"])
    expect(widget.input).to_have_value("half-typed question")
    assert widget.sender() == sender
    assert page.evaluate("localStorage.length") == 0  # nothing that outlives the tab

    other = Widget(context.new_page())
    other.page.goto("/")
    expect(other.panel).to_be_hidden()
    other.open()
    expect(other.user_messages()).to_have_count(0)
    assert other.sender() != sender


def test_a_conversation_left_half_an_hour_is_not_shown_again(page):
    # A browser gives a reopened tab its sessionStorage back: on a shared computer the next person would read it.
    widget, sender = _said_hello_and_typed_more(page)
    stale = "s => { const kept = JSON.parse(s); kept.savedAt = Date.now() - %d * 60000; return JSON.stringify(kept); }"
    for minutes, kept in [(29, True), (31, False)]:
        page.evaluate(
            f"sessionStorage.setItem('hpcc-chat', ({stale % minutes})(sessionStorage.getItem('hpcc-chat')))"
        )
        page.reload()
        if kept:
            expect(widget.user_messages()).to_have_text(["You said: hello"])
            assert widget.sender() == sender
        else:
            expect(widget.panel).to_be_hidden()
            widget.open()
            expect(widget.user_messages()).to_have_count(0)
            expect(widget.input).to_have_value("")
            assert widget.sender() != sender


def test_text_is_shown_as_text_never_as_html(page, events):
    page.goto("/")
    widget = Widget(page)
    widget.open()
    attack = "<img src=x onerror=alert(1)>"
    widget.ask(attack)
    expect(widget.user_messages().last).to_have_text(f"You said: {attack}")
    assert page.locator("img").count() == 0
    assert page.dialogs == []
    assert any(json.loads(data).get("text") == attack for kind, data in events(widget.sender()) if kind == "user")


def test_bot_text_gets_only_safe_links(page):
    # The real bot never sends these: a stand-in answer shows what the renderer does with hostile text.
    answer = [
        {
            "recipient_id": "x",
            "text": "See [Beacon](https://www.hertsbeacon.org) or www.herts.police.uk. "
            "<img src=x onerror=alert(1)> [bad](javascript:alert(1))",
            "buttons": [{"title": "police.uk", "payload": "https://www.police.uk/"}],
        }
    ]

    def fake_chat(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(answer))

    page.route("**/api/chat", fake_chat)
    page.goto("/")
    widget = Widget(page)
    widget.open()
    widget.ask("links please")
    message = widget.bot_messages().last
    expect(message).to_contain_text("<img src=x onerror=alert(1)> [bad](javascript:alert(1))")
    links = message.locator("a")
    expect(links).to_have_count(2)
    assert [links.nth(i).get_attribute("href") for i in range(2)] == [
        "https://www.hertsbeacon.org/",
        "https://www.herts.police.uk/",
    ]
    for link in [links.nth(0), links.nth(1), page.locator(".replies a")]:
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("target") == "_blank"
    assert page.locator(".replies a").get_attribute("href") == "https://www.police.uk/"
    assert page.locator("img").count() == 0 and page.dialogs == []


def test_network_drop_keeps_the_message_and_sends_it_once(page, events):
    attempts: list[str] = []

    def drop_first_answer(route: Route) -> None:
        attempts.append(route.request.post_data or "")
        if len(attempts) == 1:
            route.fetch()  # the server gets the message and answers...
            route.abort("internetdisconnected")  # ...but the answer never arrives
        else:
            route.continue_()

    page.goto("/")
    widget = Widget(page)
    widget.open()
    widget.ask("hello")
    page.route("**/api/chat", drop_first_answer)
    count = widget.bot_messages().count()
    widget.input.fill("what can you do")
    widget.input.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("offline")
    widget.wait_for_answer(count)
    expect(page.locator(".network")).to_be_empty()
    expect(widget.bot_messages().last).to_contain_text("I can help you with")
    assert len(attempts) == 2 and json.loads(attempts[0]) == json.loads(attempts[1])
    said = [json.loads(data).get("text") for kind, data in events(widget.sender()) if kind == "user"]
    assert said == ["hello", "what can you do"]


def test_offline_message_waits_for_the_connection(page, context):
    page.goto("/")
    widget = Widget(page)
    widget.open()
    context.set_offline(True)
    widget.input.fill("hello")
    widget.input.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("offline")
    expect(widget.user_messages().last).to_contain_text("Waiting to send")
    context.set_offline(False)
    widget.wait_for_answer(1)
    expect(widget.bot_messages().last).to_contain_text("automated assistant")
    expect(widget.user_messages()).to_have_count(1)


def test_a_message_queued_when_the_page_reloads_is_sent_after(page):
    page.route("**/api/chat", lambda route: route.abort("internetdisconnected"))
    page.goto("/")
    widget = Widget(page)
    widget.open()
    widget.input.fill("hello")
    widget.input.press("Enter")
    expect(widget.user_messages().last).to_contain_text("Waiting to send")
    page.reload()
    expect(widget.user_messages().last).to_contain_text("Waiting to send")
    page.unroute("**/api/chat")
    widget.wait_for_answer(1)
    expect(widget.bot_messages().last).to_contain_text("automated assistant")
    expect(widget.user_messages()).to_have_text(["You said: hello"])


def test_phone_and_zoom_have_no_sideways_scrolling(browser, base_url):
    # 360px is a small phone; 320x256 is a 1280x1024 screen zoomed to 400%.
    for name, viewport in [("widget-phone", PHONE), ("widget-zoom-400", {"width": 320, "height": 256})]:
        context = browser.new_context(base_url=base_url, viewport=viewport, reduced_motion="reduce")
        page = context.new_page()
        page.goto("/")
        widget = Widget(page)
        if name == "widget-phone":
            screenshot(page, "page-phone")
        widget.open()
        widget.ask("hello")
        widget.reply("What can you help with?").click()
        widget.wait_for_answer(2)
        overflow = page.evaluate(
            """() => {
                const host = document.getElementById('hpcc-chat').shadowRoot.querySelector('.panel');
                return [document.documentElement.scrollWidth - document.documentElement.clientWidth,
                        host.scrollWidth - host.clientWidth];
            }"""
        )
        assert overflow == [0, 0], (name, overflow)
        box = widget.panel.bounding_box()
        assert box and box["width"] <= viewport["width"]
        if name == "widget-phone":
            expect(widget.bot_messages().last).to_be_in_viewport()
        screenshot(page, name)
        context.close()


def test_reduced_motion_stops_the_typing_animation(browser, base_url):
    context = browser.new_context(base_url=base_url, reduced_motion="reduce")
    page = context.new_page()
    page.goto("/")
    name = page.evaluate(
        """() => {
            const dots = document.createElement('span');
            dots.className = 'dots';
            document.getElementById('hpcc-chat').shadowRoot.querySelector('.typing').appendChild(dots);
            return getComputedStyle(dots).animationName;
        }"""
    )
    assert name == "none"
    context.close()
