"""Accessibility: an axe-core scan with the widget open, and a whole conversation by keyboard alone."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, Widget, axe_problems

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_problems(browser, base_url, viewport):
    # bypass_csp: axe is injected as an inline script, which the site's CSP (rightly) forbids.
    context = browser.new_context(base_url=base_url, bypass_csp=True, **({"viewport": viewport} if viewport else {}))
    page = context.new_page()
    page.goto("/")
    assert axe_problems(page) == []
    widget = Widget(page)
    widget.open()
    widget.ask("hello")
    widget.reply("What can you help with?").click()
    widget.wait_for_answer(2)
    assert axe_problems(page) == []
    context.close()


def test_a_whole_conversation_by_keyboard(page):
    page.goto("/")
    widget = Widget(page)
    # Tab from the top of the page to the widget's corner button, which comes last.
    for _ in range(40):
        page.keyboard.press("Tab")
        if widget.focused() == "Ask our assistant":
            break
    else:
        pytest.fail("the widget's button cannot be reached with Tab")
    style = "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineColor"
    outline = widget.launcher.evaluate(style)
    assert outline == "solid rgb(255, 221, 0)"  # focus is visible
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()

    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    widget.wait_for_answer(1)
    expect(widget.input).to_be_focused()  # focus stays where the resident types

    # Back up from the message box to the quick reply and take it.
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        if widget.focused() == "What can you help with?":
            break
    else:
        pytest.fail("the quick reply cannot be reached with Shift+Tab")
    page.keyboard.press("Enter")
    widget.wait_for_answer(3)
    expect(widget.bot_messages().last).to_contain_text("I can help you with")
    expect(widget.input).to_be_focused()

    # "Was this helpful?", then Escape closes the widget and focus goes back to its button.
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        if widget.focused() == "Yes, it helped":
            break
    else:
        pytest.fail("the feedback control cannot be reached with Shift+Tab")
    page.keyboard.press("Enter")
    widget.wait_for_answer(4)
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()


def test_new_messages_are_announced(page):
    page.goto("/")
    widget = Widget(page)
    widget.open()
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    widget.ask("hello")
    expect(log).to_contain_text("automated assistant")
    expect(page.locator(".typing")).to_have_attribute("role", "status")
