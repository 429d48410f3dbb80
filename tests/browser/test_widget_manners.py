"""The widget's manners: the quick exit as GOV.UK's "Exit this page" (Shift three times, and the buttons), Escape
only inside the open widget, and "Was this helpful?" only under an answer to a question."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import EXIT_URL, Widget


def _on_the_site(page, edge) -> Widget:
    page.goto(edge.site)
    return Widget(page)


def test_escape_on_the_page_never_leaves_it(site_page, edge):
    widget = _on_the_site(site_page, edge)
    site_page.locator("h1").click()  # focus on the host page: Escape there is for its own menus
    for _ in range(4):
        site_page.keyboard.press("Escape")
    site_page.wait_for_timeout(300)
    assert site_page.url.startswith(edge.site)

    widget.open()
    site_page.locator("#news").focus()  # the widget is open, but the resident is on the page
    for _ in range(4):
        site_page.keyboard.press("Escape")
    site_page.wait_for_timeout(300)
    assert site_page.url.startswith(edge.site)
    expect(widget.panel).to_be_visible()  # and Escape on the page did not close the widget either


def test_escape_three_times_inside_the_open_widget_leaves(site_page, edge):
    widget = _on_the_site(site_page, edge)
    widget.open()
    site_page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    site_page.keyboard.press("Escape")
    site_page.keyboard.press("Escape")
    site_page.wait_for_url(EXIT_URL)


def test_shift_three_times_anywhere_leaves_even_before_the_widget_is_opened(site_page, edge):
    _on_the_site(site_page, edge)
    site_page.locator("h1").click()
    for left in ["2 more times", "1 more time"]:
        site_page.keyboard.press("Shift")
        expect(site_page.locator(".vh[role=status]")).to_have_text(f"Shift: press {left} to leave this site.")
    site_page.keyboard.press("Shift")
    site_page.wait_for_url(EXIT_URL)


def test_shift_released_after_a_capital_letter_does_not_count(site_page, edge):
    widget = _on_the_site(site_page, edge)
    widget.open()
    widget.input.focus()
    site_page.keyboard.down("Shift")
    site_page.keyboard.press("H")  # typing "H": its Shift is for the letter, as in GOV.UK's pattern
    site_page.keyboard.up("Shift")
    site_page.keyboard.press("Shift")
    site_page.keyboard.press("Shift")
    site_page.wait_for_timeout(300)
    assert site_page.url.startswith(edge.site)
    site_page.keyboard.press("Shift")
    site_page.wait_for_url(EXIT_URL)


HELPFUL = "Was this helpful?"


@pytest.mark.stack
def test_was_this_helpful_only_under_answers(page):
    page.goto("/")
    widget = Widget(page)
    widget.open()
    feedback = page.get_by_role("group", name=HELPFUL)

    widget.ask("hello")
    expect(feedback).to_be_hidden()  # a greeting is no answer
    widget.ask("what is beacon")
    expect(widget.bot_messages().last).to_contain_text("victim care centre")
    expect(feedback).to_be_visible()

    widget.ask("any update on my case")  # a form's question
    expect(widget.bot_messages().last).to_contain_text("crime reference number")
    expect(feedback).to_be_hidden()
    widget.ask("stop")

    widget.ask("someone is breaking into my house right now")  # the 999 message
    expect(widget.bot_messages().last).to_contain_text("call 999")
    expect(feedback).to_be_hidden()

    widget.ask("my boyfriend hits me sometimes")  # a disclosure's help, which opens with 999
    expect(widget.bot_messages().last).to_contain_text("If you're in danger now, call 999.")
    expect(feedback).to_be_hidden()


@pytest.mark.stack
def test_a_feedback_press_never_lands_in_a_form(stack, page, events):
    page.goto("/")
    widget = Widget(page)
    widget.open()
    widget.ask("what is beacon")
    yes = page.get_by_role("group", name=HELPFUL).get_by_role("button", name="Yes, it helped")
    expect(yes).to_be_visible()
    # Meanwhile the same conversation opens a form (another tab, say): the button is now stale.
    body = {"sender": widget.sender(), "message": "any update on my case"}
    status, replies = stack.request("POST", "/api/chat", body)
    assert status == 200 and "crime reference number" in replies[-1]["text"]
    count = widget.bot_messages().count()
    yes.click()
    widget.wait_for_answer(count)
    expect(widget.bot_messages().last).to_contain_text("Please answer the question first")
    expect(page.get_by_text("Thank you for your feedback.")).to_have_count(0)  # it was not taken
    said = [json.loads(data).get("text") for kind, data in events(widget.sender()) if kind == "user"]
    assert said == ["what is beacon", "any update on my case"]  # the press never reached the form
    widget.ask("41/10234/26")  # and the form carries on where it was
    expect(widget.bot_messages().last).to_contain_text("surname")


def test_an_answer_that_comes_while_the_widget_is_closed_is_shown_on_its_button_and_said(site_page, edge):
    widget = _on_the_site(site_page, edge)
    widget.open()
    edge.rasa.delay = 1.5  # time to close the widget before the answer comes
    try:
        count = widget.bot_messages().count()
        widget.input.fill("hello")
        widget.input.press("Enter")
        site_page.get_by_role("button", name="Close chat").click()
        expect(widget.panel).to_be_hidden()
        expect(widget.launcher).to_have_text("Ask our assistant: new reply")
        said = site_page.locator(".vh[role=status]")
        expect(said).to_have_text("The assistant has replied. Open the chat to read it.")
    finally:
        edge.rasa.delay = 0.0
    site_page.reload()  # still unread after a reload: the notice is kept with the conversation
    expect(widget.launcher).to_have_text("Ask our assistant: new reply")
    widget.open()
    widget.wait_for_answer(count)
    expect(widget.bot_messages().last).to_have_text("Assistant: echo: hello")
    site_page.get_by_role("button", name="Close chat").click()
    expect(widget.launcher).to_have_text("Ask our assistant")  # read: the button is plain again


ZOOMED = {"width": 640, "height": 400}  # a 1280x800 screen at 200%: the panel fills the screen
DANGER = "If you're in danger now, call 999."


def test_an_answer_read_after_opening_is_shown_from_its_start(site_page, edge):
    # A long answer (the 999 line first) that came while the widget was closed: opening it must show the 999
    # line, not the end of the help below it.
    site_page.set_viewport_size(ZOOMED)
    widget = _on_the_site(site_page, edge)
    widget.open()
    held: list = []
    site_page.route("**/api/chat", lambda route: held.append(route))
    widget.input.fill("he hits me")
    widget.input.press("Enter")
    _wait_for(site_page, lambda: len(held) == 1)
    site_page.get_by_role("button", name="Close chat").click()
    help_text = " ".join(["Help is there, day or night, on a free number."] * 30)
    answer = [{"recipient_id": "x", "text": DANGER, "kind": "safety"}, {"recipient_id": "x", "text": help_text}]
    held[0].fulfill(status=200, content_type="application/json", body=json.dumps(answer))
    expect(widget.launcher).to_have_text("Ask our assistant: new reply")
    widget.open()
    danger = widget.bot_messages().filter(has_text=DANGER)
    expect(danger).to_be_in_viewport(ratio=1)
    expect(widget.input).to_be_focused()


def _wait_for(page, condition) -> None:
    for _ in range(100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out waiting")


def test_tab_stays_in_the_panel_while_it_fills_the_screen(site_page, edge):
    # Full screen (a phone, or zoomed), the page is hidden behind the panel: Tab must not move focus there.
    site_page.set_viewport_size(ZOOMED)
    widget = _on_the_site(site_page, edge)
    widget.open()
    inside = "() => document.activeElement.id === 'hpcc-chat'"
    stops = []
    for key in ["Tab"] * 6 + ["Shift+Tab"] * 6:  # round the panel both ways, never onto the page
        site_page.keyboard.press(key)
        stops.append(widget.focused())
        assert site_page.evaluate(inside), stops
    ring = ["Send", "Leave this site", "Close chat", "Conversation", "What can you help with?", "INPUT"]
    assert stops == ring + ring[-2::-1] + ["INPUT"], stops
    panel = site_page.locator("#panel")
    expect(panel).to_have_attribute("aria-modal", "true")  # and screen readers stay in it too
    widget.panel.get_by_role("heading", name="Ask our assistant").click()  # focuses the panel itself
    site_page.keyboard.press("Shift+Tab")
    assert site_page.evaluate(inside) and widget.focused() == "Send"  # round to the last control

    site_page.set_viewport_size({"width": 1280, "height": 800})  # beside the page: Tab goes on to the page
    expect(panel).not_to_have_attribute("aria-modal", "true")
    widget.input.focus()
    site_page.keyboard.press("Tab")
    assert widget.focused() == "Send"
    site_page.keyboard.press("Tab")
    assert not site_page.evaluate(inside)  # the panel keeps nobody in


def test_leave_this_site_stays_in_view_at_400_percent(site_page, edge):
    # 1280x1024 at 400%: the whole panel scrolls, and the widget's quick exit must not scroll away with it.
    site_page.set_viewport_size({"width": 320, "height": 256})
    widget = _on_the_site(site_page, edge)
    widget.open()
    for text in ["hello", "are you there", "I need help"]:
        widget.ask(text)
    leave = widget.panel.get_by_role("button", name="Leave this site")
    expect(leave).to_be_in_viewport(ratio=1)
    # and the newest answer is not hidden under the header that stays
    newest = widget.bot_messages().last
    head_bottom = site_page.evaluate(
        "() => document.getElementById('hpcc-chat').shadowRoot.querySelector('.head').getBoundingClientRect().bottom"
    )
    assert newest.bounding_box()["y"] >= head_bottom


@pytest.mark.stack
def test_the_widget_never_covers_the_end_of_the_page_at_320px(browser, base_url):
    # Closed, the widget's buttons sit over the page's corner: at its end, nothing of the page may be under them.
    context = browser.new_context(base_url=base_url, viewport={"width": 320, "height": 480})
    page = context.new_page()
    page.goto("/")
    expect(Widget(page).launcher).to_be_visible()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar_top = page.evaluate(
        "document.getElementById('hpcc-chat').shadowRoot.querySelector('.bar').getBoundingClientRect().top"
    )
    last = page.locator("footer p").last.bounding_box()
    assert last and last["y"] + last["height"] <= bar_top, (last, bar_top)
    context.close()
