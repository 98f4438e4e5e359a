"""What a PMO does in a day, in a real browser: sign in, register a project, publish a status
report, record a decision and an action, look at the past, and let the auditor verify the
ledger. Each flow leaves screenshots of the pages it passes in ``var/screenshots/``."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

TODAY = date.today()


def test_sign_in_keeps_the_username_after_a_wrong_password_and_lands_on_the_dashboard(page_as, server):
    page = page_as(None)
    # Signed out, the dashboard sends the visitor to the sign-in page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    person = server.people["pmo"]
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value(person.username)

    # Keyboard only: type the password, Enter submits.
    page.get_by_label("Password").focus()
    page.keyboard.type(person.password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("City change portfolio")
    expect(page.get_by_role("banner")).to_contain_text(person.display_name)


def test_the_dashboard_reads_at_a_glance_and_a_tile_opens_its_projects(page_as, screenshot):
    page = page_as("pmo")
    page.goto("/")
    tiles = page.locator(".tiles")
    for label in ("Green", "Amber", "Red", "No report"):
        expect(tiles.get_by_role("link", name=re.compile(label))).to_be_visible()
    expect(page.get_by_role("img", name="Projects by lifecycle stage")).to_be_visible()
    expect(page.get_by_role("heading", name="Overdue actions")).to_be_visible()
    expect(page.get_by_role("link", name="Chase the supplier contract")).to_be_visible()
    screenshot(page, "dashboard")

    tiles.get_by_role("link", name=re.compile("Red")).click()
    rows = page.locator("table.projects tbody tr")
    expect(rows.filter(has_text="DIG-02")).to_have_count(1)
    expect(rows.filter(has_not_text="Red")).to_have_count(0)


def test_a_pmo_officer_registers_a_project_from_scratch(page_as, unique, screenshot):
    page = page_as("pmo")
    page.goto("/")
    page.get_by_role("link", name="Register a project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a project")

    # A code that is taken and dates the wrong way round: both errors next to their fields,
    # and what was typed is still there.
    page.get_by_label("Code").fill("DIG-01")
    page.get_by_label("Name", exact=True).fill("Open data platform")
    page.get_by_label("Project manager").fill("joris")
    page.get_by_label("Programme").select_option(label="DIG · Digital services")
    page.get_by_label("Start date").fill((TODAY + timedelta(days=30)).isoformat())
    page.get_by_label("End date").fill(TODAY.isoformat())
    page.get_by_role("button", name="Register project").click()
    expect(page.locator(".notice-error")).to_be_visible()
    end_error = page.locator("#end_date-error")
    expect(end_error).to_be_visible()
    expect(page.get_by_label("End date")).to_have_attribute("aria-describedby", re.compile("end_date-error"))
    expect(page.get_by_label("Name", exact=True)).to_have_value("Open data platform")
    expect(page.get_by_label("Project manager")).to_have_value("joris")
    screenshot(page, "form-with-errors")

    page.get_by_label("End date").fill((TODAY + timedelta(days=400)).isoformat())
    page.get_by_role("button", name="Register project").click()
    expect(page.locator("#code-error")).to_contain_text("DIG-01")
    expect(page.get_by_label("Code")).to_have_value("DIG-01")

    code = unique("ODP")
    page.get_by_label("Code").fill(code)
    page.get_by_label("Reason").fill("Approved idea from the innovation day")
    page.get_by_role("button", name="Register project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data platform")
    expect(page.locator(".eyebrow")).to_contain_text(code)
    expect(page.locator(".facts")).to_contain_text("DIG · Digital services")
    expect(page.get_by_role("status")).to_be_visible()  # the flash message
    expect(page.locator("#history")).to_contain_text("Approved idea from the innovation day")


def test_a_project_manager_publishes_a_status_report(page_as, screenshot):
    page = page_as("manager")
    page.goto("/projects/DIG-03")
    page.get_by_role("link", name="New status report").click()

    form = page.locator("form.stacked")
    for group, rating in (("Overall", "Amber"), ("Schedule", "Amber"), ("Cost", "Green"), ("Scope", "Green")):
        form.get_by_role("group", name=group).get_by_label(rating).check()
    form.get_by_label("Progress (%)").fill("")
    form.get_by_label("Summary").fill("Signature provider chosen; the legal review takes two more weeks.")
    form.get_by_role("button", name="Submit and publish").click()
    # The missing progress is named next to its field; the summary and ratings stay.
    expect(page.locator("#progress_pct-error")).to_be_visible()
    expect(form.get_by_label("Summary")).to_have_value(re.compile("legal review"))
    expect(form.get_by_role("group", name="Overall").get_by_label("Amber")).to_be_checked()

    form.get_by_label("Progress (%)").fill("15")
    form.get_by_role("button", name="Submit and publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Status report")
    expect(page.locator("main")).to_contain_text("DIG-03")
    expect(page.locator("main")).to_contain_text("legal review")
    expect(page.locator("main")).to_contain_text("Published")
    screenshot(page, "status-report")

    page.goto("/projects/DIG-03")
    expect(page.locator(".eyebrow")).to_contain_text("Overall amber")
    screenshot(page, "project")


def test_a_project_manager_records_a_decision_and_assigns_an_action(page_as, unique):
    page = page_as("manager")
    page.goto("/projects/DIG-01")
    page.get_by_role("link", name="Record a decision").click()
    title = f"Pilot with 200 citizens first ({unique('D')})"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Decision", exact=True).fill("Run the pilot with 200 citizens before the full launch.")
    page.get_by_label("Decided by").fill("Steering group")
    page.get_by_label("Decided on").fill(TODAY.isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_be_visible()

    page.goto("/projects/DIG-01")
    expect(page.locator("#decisions")).to_contain_text(title)
    page.get_by_role("link", name="Assign an action").click()
    action = f"Invite the pilot citizens ({unique('A')})"
    page.get_by_label("Title").fill(action)
    page.get_by_label("Due date").fill((TODAY + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Assign action").click()
    # No owner: the form says so at the field, and keeps the title.
    expect(page.locator("#owner-error")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(action)
    page.get_by_label("Owner").fill("Joris van Dam")
    page.get_by_role("button", name="Assign action").click()

    page.goto("/projects/DIG-01")
    actions = page.locator("#actions")
    expect(actions).to_contain_text(action)
    expect(actions.locator("li", has_text=action)).to_contain_text("Joris van Dam")


def test_the_as_of_picker_shows_the_past_without_a_later_change(page_as, screenshot):
    page = page_as("pmo")
    # Today the PMO renames WPL-01 ...
    page.goto("/projects/WPL-01/edit")
    page.get_by_label("Name", exact=True).fill("Hybrid workplace and hot desks")
    page.get_by_label("Reason").fill("Scope now includes hot desks")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hybrid workplace and hot desks")

    # ... and looks at the project as it was three weeks ago, through the header's picker.
    past = TODAY - timedelta(days=21)
    page.get_by_label("As of", exact=True).fill(past.isoformat())
    page.get_by_role("banner").get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(f"as_of={past.isoformat()}"))
    expect(page.get_by_role("complementary", name="Time travel").get_by_role("note")).to_contain_text("as of")
    picker = page.get_by_label("As of", exact=True)
    expect(picker).to_have_value(past.isoformat())
    # ... and can read the day it picked (the header is white on dark; the field is not).
    ink, paper = picker.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert ink != paper
    expect(page.get_by_role("heading", level=1)).to_have_text("Hybrid workplace")
    expect(page.locator(".facts")).to_contain_text("40%")  # the first report; the 65% came later
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)  # the past cannot be changed
    screenshot(page, "project-as-of")

    # The dashboard follows the chosen day; "Back to now" returns.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    expect(page).to_have_url(re.compile(f"as_of={past.isoformat()}"))
    expect(page.locator("table.projects")).to_contain_text("Hybrid workplace")
    expect(page.locator("table.projects")).not_to_contain_text("hot desks")
    page.get_by_role("link", name="Back to now").click()
    expect(page.locator("table.projects")).to_contain_text("Hybrid workplace and hot desks")


def test_an_auditor_verifies_the_ledger(page_as, server, screenshot):
    page = page_as("auditor")
    page.goto("/")
    # The auditor reads everything and changes nothing.
    expect(page.get_by_role("link", name="Register a project")).to_have_count(0)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger")
    expect(page.locator("table.ledger tbody tr").first).to_be_visible()
    screenshot(page, "ledger")

    nav.get_by_role("link", name="Audit").click()
    page.get_by_role("link", name="Verify ledger").click()
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("OK: the ledger is as it was written")
    checked = int(re.search(r"(\d+) records? checked", verdict.inner_text()).group(1))
    held = int(re.search(r"The ledger holds (\d+) record", page.locator("main").inner_text()).group(1))
    assert checked == held > 0
    screenshot(page, "audit-verify")
