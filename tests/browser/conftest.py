"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against the real stack."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from bot.stack import Stack
from tests.browser.edge_servers import EdgeServers, edge_servers
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, NEUTRAL_HTML


# Package scope, not session: while sync Playwright runs, the main thread counts as inside an event loop,
# so asyncio.run() (used by the database fixtures of other packages) would fail until it stops.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browsers` (make test does)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def base_url(stack: Stack) -> str:
    return f"http://127.0.0.1:{stack.settings.web_port}"


def offline_world(route: Route) -> None:
    # Only our own stack is real; the neutral exit site and anything else outside answer from here.
    if route.request.url.startswith(("http://127.0.0.1:", "http://localhost:")):
        route.continue_()
    elif route.request.resource_type == "document":
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_HTML)
    else:
        route.abort()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, viewport=DESKTOP)
    context.route("**/*", offline_world)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(30_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]  # read by the XSS test
    return page


@pytest.fixture
def events(stack: Stack):
    """Read the tracker store's events of one sender from the stack's SQLite database."""

    def read(sender: str) -> list[tuple[str, Any]]:
        with sqlite3.connect(stack.settings.var_dir / "bot.db") as db:
            return db.execute("SELECT type_name, data FROM events WHERE sender_id = ?", (sender,)).fetchall()

    return read


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EdgeServers]:
    """The widget on the Commissioner's site (one origin) and the web app on another, over a fake Rasa."""
    with edge_servers(tmp_path_factory.mktemp("edge"), BOT_CHAT_RATE_PER_MINUTE="3") as servers:
        yield servers


@pytest.fixture
def site_page(browser: Browser, edge: EdgeServers) -> Iterator[Page]:
    """A page of the Commissioner's site with the widget.

    Its requests to /api/chat are recorded in `page.chats`, those answered in `page.answered`.
    """
    context = browser.new_context(viewport=DESKTOP)
    context.route("**/*", offline_world)
    page = context.new_page()
    page.set_default_timeout(30_000)
    chats: list[str] = []
    page.on("request", lambda r: chats.append(r.url) if r.method == "POST" and r.url.endswith("/api/chat") else None)
    page.chats = chats  # type: ignore[attr-defined]
    answered: list[str] = []  # those whose answer has arrived (the widget acts on it a moment later)
    page.on("requestfinished", lambda r: answered.append(r.url) if r.method == "POST" and r.url.endswith("/api/chat")
            else None)  # fmt: skip
    page.answered = answered  # type: ignore[attr-defined]
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.csp_violations = violations  # type: ignore[attr-defined]
    yield page
    context.close()
