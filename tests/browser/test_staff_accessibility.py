"""Accessibility of the staff dashboard: an axe-core scan of every page a member of the team works in.

The complaints team uses these pages all day, some of them with a screen reader or zoomed in. The web app runs
alone here (tests/browser/edge_servers.py: a fake Rasa, no model needed), on a database of its own with the demo
data, so the queue, a ticket, the lost-property list and a report all have something to show.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.settings import PROJECT_ROOT
from tests.browser.edge_servers import EdgeServers, edge_servers
from tests.browser.helpers import PHONE, axe_problems, sign_in

EMAIL = "a11y.supervisor@herts-pcc.example"
PASSWORD = "a long enough accessibility test password"
# Every page of the dashboard a supervisor can open from its navigation; a ticket and a lost report are found
# from their lists.
PAGES = [
    "/staff", "/staff/tickets", "/staff/tickets?q=zz-no-such-ticket", "/staff/lost-property",
    "/staff/lost-property?status=closed", "/staff/feedback", "/staff/tokens", "/staff/accounts", "/staff/alerts",
    "/staff/privacy", "/staff/audit",
]  # fmt: skip


# The demo data has no lost report (residents leave them in the chat): one is stored as the action would.
LOST_REPORT = """
import asyncio
from bot.db.engine import create_engine, create_sessionmaker, unit_of_work
from bot.services import clock
from bot.services.lost_property.reports import create_report
from bot.services.lost_property.search import LostQuery
from bot.settings import Settings

async def main():
    engine = create_engine(Settings.from_env())
    async with unit_of_work(create_sessionmaker(engine)) as session:
        query = LostQuery("phones", "black iphone with a cracked screen", "", "Watford town centre", clock.today())
        await create_report(session, query, contact_name="Ada Lane", contact="ada@example.org", actor="test")
    await engine.dispose()

asyncio.run(main())
"""


def _bot(work_dir: Path, *args: str, stdin: str = "") -> None:
    env = {**os.environ, "BOT_VAR_DIR": str(work_dir), "DATABASE_URL": ""}
    subprocess.run([sys.executable, *args], input=stdin, env=env, cwd=PROJECT_ROOT, check=True,
                   capture_output=True, text=True)  # fmt: skip


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EdgeServers]:
    """The web app on a database with the demo data and one supervisor."""
    work_dir = tmp_path_factory.mktemp("staff-a11y")
    with edge_servers(work_dir) as servers:
        _bot(work_dir, "-m", "bot", "demo-data")
        _bot(work_dir, "-m", "bot", "staff", "add", EMAIL, "--role", "supervisor", "--password-stdin",
             stdin=PASSWORD + "\n")
        _bot(work_dir, "-c", LOST_REPORT)
        yield servers


def _signed_in(browser: Browser, dashboard: EdgeServers, viewport: dict | None) -> Page:
    # bypass_csp: axe is injected as an inline script, which the dashboard's CSP (rightly) forbids.
    sized = {"viewport": viewport} if viewport else {}
    context = browser.new_context(base_url=dashboard.api, bypass_csp=True, **sized)
    page = context.new_page()
    page.goto("/staff/tickets")
    sign_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/tickets$"))
    return page


def _problems(page: Page, path: str) -> list[dict]:
    page.goto(path)
    expect(page.locator("main")).to_be_visible()
    return [{"page": path, **problem} for problem in axe_problems(page)]


def test_the_sign_in_page_and_its_error_have_no_serious_problems(browser, dashboard):
    context = browser.new_context(base_url=dashboard.api, bypass_csp=True)
    page = context.new_page()
    problems = _problems(page, "/staff/login")
    sign_in(page, EMAIL, "not the password")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [{"page": "sign-in error", **problem} for problem in axe_problems(page)]
    assert problems == []
    context.close()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_every_dashboard_page_has_no_serious_problems(browser, dashboard, viewport):
    page = _signed_in(browser, dashboard, viewport)
    problems: list[dict] = []
    for path in PAGES:
        problems += _problems(page, path)
    # A ticket, and a lost report with its suggested matches, from their lists.
    page.goto("/staff/tickets")
    page.locator("table[data-testid=queue] tbody tr a").first.click()
    expect(page.locator("[data-testid=status]")).to_be_visible()
    problems += _problems(page, page.url)
    page.goto("/staff/lost-property")
    page.locator("main a[href^='/staff/lost-property/']").first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^LP-"))).to_be_visible()
    problems += _problems(page, page.url)
    assert problems == []
    page.context.close()


def test_a_refused_change_on_a_ticket_has_no_serious_problems(browser, dashboard):
    # The error state: the summary, the field marked in error, and its message, as a screen reader meets them.
    page = _signed_in(browser, dashboard, None)
    page.locator("table[data-testid=queue] tbody tr a").first.click()
    page.get_by_role("button", name="Add note").click()  # an empty note is refused
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_problems(page) == []
    page.context.close()
