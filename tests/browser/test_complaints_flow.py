"""A complaint end to end in Debian's Chromium: filed in the chat, worked by staff, its status asked for in the chat."""

import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest
from playwright.sync_api import expect

from bot.settings import PROJECT_ROOT
from tests.browser.helpers import Widget, screenshot, sign_in

pytestmark = pytest.mark.stack

STAFF_EMAIL = "crt.officer@herts-pcc.example"
STAFF_PASSWORD = "a long enough browser test password"
RESIDENT_EMAIL = "robin.example@example.com"


def bot_cli(stack, *args, stdin=""):
    """Run `python -m bot ...` against the stack's database; returns its standard output."""
    env = {**os.environ, "BOT_VAR_DIR": str(stack.settings.var_dir), "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
        check=True,
    )
    return done.stdout


def click(widget, title):
    count = widget.bot_messages().count()
    widget.reply(title).click()
    widget.wait_for_answer(count)


def test_a_complaint_from_the_chat_to_the_dashboard_and_back(stack, page, context, base_url):
    page.goto("/")
    widget = Widget(page)
    widget.open()

    # The FAQ answer offers the form; the form asks one question at a time.
    widget.ask("how do I complain about a police officer?")
    click(widget, "Start a complaint here")
    expect(widget.bot_messages().last).to_contain_text("who is making this complaint")
    click(widget, "I was affected")
    widget.ask("Robin Example")
    widget.ask("robin.example at example")  # a typo is explained and asked again
    expect(widget.bot_messages().filter(has_text="doesn't look like an email address")).to_have_count(1)
    expect(widget.bot_messages().last).to_contain_text("What email address")
    widget.ask(RESIDENT_EMAIL)
    click(widget, "Skip")
    widget.ask("During a stop and search an officer punched me in the face and I was taken to hospital.")
    widget.ask("yesterday")
    widget.ask("Hatfield town centre, outside the station")
    widget.ask("PC 1234")
    widget.ask("a broken nose")
    widget.ask("no")
    widget.ask("no")
    widget.ask("an apology and for the officer to be dealt with")
    click(widget, "Yes")
    read_back = widget.bot_messages().last
    expect(read_back).to_contain_text(f"Email: {RESIDENT_EMAIL}")
    expect(read_back).to_contain_text("What happened: During a stop and search")
    click(widget, "Submit")
    confirmation = widget.bot_messages().last
    expect(confirmation).to_contain_text("Your reference is CRT-")
    expect(confirmation).to_contain_text("01707 806100")
    reference = re.search(r"CRT-\d{4}-\d{5}", confirmation.inner_text()).group(0)
    screenshot(page, "complaint-submitted")

    # The complaints team signs in and finds it at the top of the queue, triaged.
    bot_cli(stack, "staff", "add", STAFF_EMAIL, "--role", "officer", "--password-stdin", stdin=STAFF_PASSWORD + "\n")
    staff_page = context.new_page()
    staff_page.goto("/staff/tickets")
    sign_in(staff_page, STAFF_EMAIL, STAFF_PASSWORD)
    expect(staff_page).to_have_url(re.compile(r"/staff/tickets$"))
    top = staff_page.locator("table[data-testid=queue] tbody tr").first
    expect(top).to_contain_text(reference)
    expect(top).to_contain_text("Urgent")
    expect(top).to_contain_text("Must be recorded under Schedule 3")
    top.get_by_role("link", name=reference).click()
    triage = staff_page.locator("[data-testid=triage]")
    expect(triage).to_contain_text("Alleges death or serious injury")
    expect(triage).to_contain_text("“taken to hospital”")
    expect(triage).to_contain_text("“punched”")
    # The ticket names the resident; its transcript shows what was said with the answers to the form's
    # questions as placeholders (issue 16: the conversation keeps no name, e-mail or phone number).
    expect(staff_page.locator("main")).to_contain_text("Robin Example")
    transcript = staff_page.locator("[data-testid=transcript]")
    expect(transcript).to_contain_text("how do I complain about a police officer?")
    expect(transcript).to_contain_text("Resident: [name]")
    expect(transcript).not_to_contain_text("Robin Example")
    expect(transcript).not_to_contain_text(RESIDENT_EMAIL)
    staff_page.get_by_label("Status", exact=True).select_option("acknowledged")
    staff_page.get_by_role("button", name="Change status").click()
    expect(staff_page.locator("[data-testid=status]")).to_have_text("Acknowledged")
    screenshot(staff_page, "complaint-ticket")

    # The API agrees, with a token printed by the CLI.
    token = bot_cli(stack, "staff", "token", STAFF_EMAIL).strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(f"{base_url}/api/tickets/{reference}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read())["status"] == "acknowledged"

    # The resident asks in the chat and sees the change.
    widget.ask("what's happening with my complaint?")
    widget.ask(reference.lower())
    widget.ask(RESIDENT_EMAIL.upper())
    answer = widget.bot_messages().last
    expect(answer).to_contain_text("those details match")
    expect(answer).to_contain_text("has acknowledged your complaint")
