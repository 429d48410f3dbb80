"""What the browser tests share: where things are, and a small page object for the widget."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from bot.settings import PROJECT_ROOT
from bot.web.pages import EXIT_URL  # noqa: F401  (the tests import it from here)

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_problems(page: Page) -> list[dict]:
    """The serious and critical problems an axe-core scan of the page finds (the page must allow its script)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make browsers` (it runs npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
# Playwright's own browser downloads are not used: Debian's chromium, with nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
NEUTRAL_HTML = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"




def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll until the condition holds (for what happens after a page has gone, like a beacon)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot for a person to look at (tests/artifacts/ is not committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path



class Widget:
    """The chat widget on a page, found through its shadow root (Playwright's locators pierce it)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name="Ask our assistant")
        self.input = page.get_by_label("Your message")
        self.panel = page.get_by_role("dialog", name="Ask our assistant")

    def open(self) -> None:
        """Open the widget with its corner button."""
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def ask(self, text: str) -> None:
        """Type a message and send it with Enter; waits until the assistant is no longer typing."""
        count = self.bot_messages().count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_answer(count)

    def wait_for_answer(self, count_before: int, timeout: float = 60_000) -> None:
        """Wait until there are more bot messages than before and the typing indicator is gone."""
        expect(self.bot_messages()).not_to_have_count(count_before, timeout=timeout)
        expect(self.page.locator(".typing")).to_be_empty(timeout=timeout)

    def bot_messages(self) -> Locator:
        """Every message of the assistant, the widget's own introduction first."""
        return self.page.locator(".msg.bot")

    def user_messages(self) -> Locator:
        """Every message the resident sent."""
        return self.page.locator(".msg.user")

    def reply(self, title: str) -> Locator:
        """A quick-reply button under the assistant's latest message."""
        return self.page.locator(".replies").get_by_role("button", name=title)

    def stored(self) -> dict | None:
        """What the widget keeps in this tab's sessionStorage."""
        return self.page.evaluate("JSON.parse(sessionStorage.getItem('hpcc-chat'))")

    def sender(self) -> str:
        """The conversation's sender id."""
        stored = self.stored()
        assert stored, "the widget stored nothing"
        return stored["sender"]

    def focused(self) -> str:
        """Describe the focused element, looking into the widget's shadow root."""
        return self.page.evaluate(
            """() => {
                let el = document.activeElement;
                while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                return el ? (el.getAttribute('aria-label') || el.textContent || el.tagName).trim() : '';
            }"""
        )


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in to the staff dashboard from the sign-in page it shows (a staff path asked for signed out)."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
