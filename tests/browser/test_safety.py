"""A disclosure typed into the widget gets the help for that harm, not the 999 block, and the chat goes on."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Widget, screenshot

pytestmark = pytest.mark.stack


def test_a_domestic_abuse_disclosure_in_the_widget_gets_its_help(page):
    page.goto("/")
    widget = Widget(page)
    widget.open()
    widget.ask("my partner keeps hitting me what can i do")
    answer = widget.bot_messages().last
    expect(answer).to_contain_text("If you're in danger now, call 999.")
    expect(answer).to_contain_text("08088 088088")  # Herts Sunflower, Hertfordshire's domestic abuse helpline
    expect(answer).to_contain_text("0808 2000 247")
    expect(page.locator(".msg.bot", has_text="call 999 straight away")).to_have_count(0)  # not the 999 block
    screenshot(page, "widget-disclosure")
    widget.ask("what is beacon")
    expect(widget.bot_messages().last).to_contain_text("Beacon")
