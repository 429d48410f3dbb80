"""The widget when things go wrong: nothing the resident sent or pressed is lost, waits are honoured, and the
page's own exit answers the keys a button answers. The server's answers are played by the test (page.route)."""

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import offline_world
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, EXIT_URL, Widget, wait_for

pytestmark = pytest.mark.stack

CHOICES = [{"title": "Report a crime", "payload": "/report_crime"}, {"title": "Lost property", "payload": "/lost"}]


def _json(route: Route, status: int, body: object, headers: dict[str, str] | None = None) -> None:
    route.fulfill(status=status, content_type="application/json", body=json.dumps(body), headers=headers or {})


def _error(status: int, message: str) -> dict:
    return {"error": {"status": status, "code": "x", "message": message}}


def _widget_answered_by(page: Page, server: Callable[[Route], None]) -> Widget:
    """The home page's widget, opened, with /api/chat answered by `server`."""
    page.route("**/api/chat", server)
    page.goto("/")
    widget = Widget(page)
    widget.open()
    return widget


def test_a_quick_reply_that_was_not_taken_is_offered_again_with_its_id(page):
    sent: list[dict] = []

    def server(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        if len(sent) == 1:
            _json(route, 200, [{"recipient_id": "x", "text": "What is it about?", "buttons": CHOICES}])
        elif len(sent) == 2:
            _json(route, 503, _error(503, "Sorry, the assistant can't answer just now."))
        else:
            _json(route, 200, [{"recipient_id": "x", "text": "Reporting a crime: call 101."}])

    widget = _widget_answered_by(page, server)
    widget.ask("help")
    widget.reply("Report a crime").click()
    expect(widget.bot_messages().last).to_contain_text("can't answer just now")
    expect(widget.reply("Lost property")).to_be_visible()  # the choices are back, not gone with the failure
    widget.reply("Report a crime").click()
    expect(widget.bot_messages().last).to_contain_text("call 101")
    assert sent[2]["message"] == "/report_crime" and sent[2]["message_id"] == sent[1]["message_id"]


def test_a_message_that_failed_goes_back_before_what_was_typed_since(page):
    pending: list[Route] = []
    widget = _widget_answered_by(page, lambda route: pending.append(route))  # a function: Playwright marks it
    widget.input.fill("my bike was stolen")
    widget.input.press("Enter")
    wait_for(lambda: len(pending) == 1)
    widget.input.fill("from the station")  # typed while the first is on its way
    _json(pending[0], 500, _error(500, "Sorry, something went wrong."))
    expect(widget.input).to_have_value("my bike was stolen from the station")


def test_messages_queued_behind_one_that_failed_are_not_sent_before_it(page):
    # Sent after it, a later message would reach the assistant first (a form would take it as the answer the
    # first one gave): all of them go back in the box, in the order they were typed.
    pending: list[Route] = []
    widget = _widget_answered_by(page, lambda route: pending.append(route))
    for text in ["my surname is Smith", "and my postcode is AL10 9AB"]:
        widget.input.fill(text)
        widget.input.press("Enter")
    wait_for(lambda: len(pending) == 1)
    _json(pending[0], 500, _error(500, "Sorry, something went wrong."))
    expect(widget.input).to_have_value("my surname is Smith and my postcode is AL10 9AB")
    expect(widget.user_messages().filter(has_text="Not sent")).to_have_count(2)
    page.wait_for_timeout(500)
    assert len(pending) == 1  # nothing was sent behind the resident's back


def _limited_once() -> tuple[list[str], Callable[[Route], None]]:
    """A server that answers the first message 429 with Retry-After: 30, then every message; and what it was sent."""
    sent: list[str] = []

    def server(route: Route) -> None:
        sent.append(route.request.post_data or "")
        if len(sent) == 1:
            _json(route, 429, _error(429, "Too many messages."), {"Retry-After": "30"})
        else:
            _json(route, 200, [{"recipient_id": "x", "text": "Answered."}])

    return sent, server


def test_a_wait_the_server_asked_for_is_not_cut_short_by_another_message(page):
    sent, server = _limited_once()
    page.clock.install()  # the widget's waits run on a clock the test moves, not on the machine's time
    widget = _widget_answered_by(page, server)
    widget.input.fill("first")
    widget.input.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("again in 30 seconds")
    widget.input.fill("second")
    widget.input.press("Enter")  # queued behind the first: it must not send the first again at once
    page.evaluate("window.dispatchEvent(new Event('online'))")  # nor may the network coming back
    page.clock.run_for(20_000)
    page.wait_for_timeout(500)
    assert len(sent) == 1
    page.clock.run_for(11_000)
    expect(widget.bot_messages().filter(has_text="Answered.")).to_have_count(2)
    assert sent[1] == sent[0]  # the first again, then the second


def test_a_wait_the_server_asked_for_holds_across_a_reload(page):
    sent, server = _limited_once()
    page.clock.install()  # the widget's waits run on a clock the test moves
    widget = _widget_answered_by(page, server)
    widget.input.fill("first")
    widget.input.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("again in 30 seconds")
    page.reload()
    expect(widget.user_messages().last).to_contain_text("Waiting to send")
    page.clock.run_for(20_000)
    page.wait_for_timeout(500)
    assert len(sent) == 1  # the reload did not cut the server's wait short
    page.clock.run_for(11_000)
    expect(widget.bot_messages().last).to_have_text("Assistant: Answered.")
    assert sent[1] == sent[0]  # the same message, with the same id


def test_space_on_the_pages_leave_this_site_button_leaves(page):
    page.goto("/")
    exit_link = page.locator("a[data-hpcc-exit]")
    assert exit_link.get_attribute("role") == "button"
    exit_link.focus()
    page.keyboard.press("Space")
    page.wait_for_url(EXIT_URL)


@pytest.fixture
def caching_page(playwright, base_url):
    """A page of a browser that keeps pages in the back/forward cache (Playwright's own launch turns it off)."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, ignore_default_args=["--disable-back-forward-cache"]
    )
    context = browser.new_context(base_url=base_url, viewport=DESKTOP)
    context.route("**/*", offline_world)
    yield context.new_page()
    browser.close()


def test_back_after_leaving_from_another_page_shows_nothing_that_was_typed(caching_page):
    page = caching_page
    page.goto("/?first")
    widget = Widget(page)
    widget.open()
    widget.input.fill("he hurt me last night")  # typed, not sent
    page.evaluate("window.stillThisPage = true")
    page.goto("/?second")
    page.locator("a[data-hpcc-exit]").click()
    page.wait_for_url(EXIT_URL)
    page.go_back(wait_until="commit")  # the second page was replaced by the exit: Back is the first, cached
    assert page.evaluate("window.stillThisPage === true"), "the page was loaded again, not restored from the cache"
    expect(widget.input).to_have_value("")
    expect(widget.user_messages()).to_have_count(0)
