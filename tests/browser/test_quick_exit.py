"""The quick exit: by the widget's button, the page's button and the key shortcuts."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import EXIT_URL, Widget, wait_for

pytestmark = pytest.mark.stack

BEFORE = "https://start.example/"  # the page the resident came from (answered by the test, not the internet)


def _chatting(page) -> tuple[Widget, str]:
    page.goto(BEFORE)
    page.goto("/")
    widget = Widget(page)
    widget.open()
    widget.ask("hello")
    return widget, widget.sender()


def _left_without_a_trace(page, base_url: str, events, sender: str) -> None:
    page.wait_for_url(EXIT_URL)
    wait_for(lambda: events(sender) == [])  # the beacon reached the server and the events are gone
    page.go_back()
    assert page.url == BEFORE  # our page was replaced in history: Back skips it
    # This tab's storage for our site is empty (a plain file of ours: no widget to write a new state).
    page.goto(f"{base_url}/static/widget.css")
    assert page.evaluate("sessionStorage.length") == 0
    page.goto("/")
    widget = Widget(page)
    widget.open()
    expect(widget.user_messages()).to_have_count(0)
    assert widget.sender() != sender


@pytest.mark.parametrize("where", ["widget", "page"])
def test_quick_exit_by_button(page, base_url, events, where):
    widget, sender = _chatting(page)
    assert events(sender), "the conversation should be in the tracker store before the exit"
    if where == "widget":
        widget.panel.get_by_role("button", name="Leave this site").click()
    else:
        page.get_by_role("button", name="Emergency Leave this site").click()
    _left_without_a_trace(page, base_url, events, sender)


@pytest.mark.parametrize("key", ["Escape", "Shift"])
def test_quick_exit_by_pressing_a_key_three_times(page, base_url, events, key):
    widget, sender = _chatting(page)
    page.keyboard.press(key)
    if key == "Escape":
        expect(widget.panel).to_be_hidden()  # the first Escape just closes the widget
        expect(widget.launcher).to_be_focused()
    page.keyboard.press(key)
    expect(page.locator(".vh[role=status]")).to_have_text(f"{key}: press 1 more time to leave this site.")
    page.keyboard.press(key)
    _left_without_a_trace(page, base_url, events, sender)


def test_escape_counts_after_a_click_on_the_widgets_text(page, base_url, events):
    # The safety answers say "press Escape three times": a click on the widget's title or a message, which takes
    # focus off the message box, must not leave that Escape doing nothing.
    widget, sender = _chatting(page)
    widget.panel.get_by_role("heading", name="Ask our assistant").click()
    for _ in range(3):
        page.keyboard.press("Escape")
    _left_without_a_trace(page, base_url, events, sender)


def test_other_keys_in_between_do_not_exit(page):
    widget, _ = _chatting(page)
    widget.input.press("Shift")
    widget.input.press("Shift")
    widget.input.press_sequentially("A")  # typing a capital letter resets the count
    widget.input.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/")
    expect(widget.input).to_have_value("A")


def test_a_forgotten_conversation_stays_forgotten(stack, page, events):
    widget, sender = _chatting(page)
    widget.panel.get_by_role("button", name="Leave this site").click()
    page.wait_for_url(EXIT_URL)
    wait_for(lambda: events(sender) == [])
    status, body = stack.request("POST", "/api/chat", {"sender": sender, "message": "hello again"})
    assert status == 410 and body["error"]["code"] == "conversation_ended"
    assert events(sender) == []
