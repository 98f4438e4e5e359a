"""axe-core on the pages a PMO uses most: no serious or critical accessibility violation on
the dashboard, a project page, every main form (empty and showing its errors), the lists,
the audit pages and the risk register."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

PAGES = [  # (role, path, what)
    (None, "/login", "the sign-in page"),
    ("pmo", "/", "the dashboard"),
    ("pmo", "/projects/DIG-01", "a project page"),
    ("pmo", "/projects", "the project list"),
    ("pmo", "/programmes/DIG", "a programme page"),
    ("pmo", "/decisions", "the decision log"),
    ("pmo", "/actions", "the action list"),
    ("pmo", "/projects/new", "the new-project form"),
    ("manager", "/projects/DIG-01/reports/new", "the new-report form"),
    ("manager", "/actions/new?project=DIG-01", "the new-action form"),
    ("manager", "/decisions/new?project=DIG-01", "the new-decision form"),
    ("auditor", "/ledger?actor=tove", "the ledger (one actor: the whole ledger is slow to check)"),
    ("auditor", "/audit", "the audit page"),
    ("admin", "/admin/plugins", "the plugin admin page"),
]


@pytest.mark.parametrize("role, path, what", PAGES, ids=[p[1].split("?")[0] for p in PAGES])
def test_page_has_no_serious_accessibility_violation(page_as, accessible, role, path, what):
    page = page_as(role)
    page.goto(path)
    accessible(page, what)


def test_a_form_showing_its_errors_is_accessible(page_as, accessible):
    page = page_as("pmo")
    page.goto("/projects/new")
    page.get_by_role("button", name="Register project").click()
    expect(page.locator(".field-error").first).to_be_visible()
    accessible(page, "the new-project form with its errors")


def test_a_page_in_the_past_is_accessible(page_as, accessible):
    page = page_as("viewer")
    page.goto(f"/?as_of={date.today() - timedelta(days=20)}")
    expect(page.get_by_role("complementary", name="Time travel").get_by_role("note")).to_be_visible()
    accessible(page, "the dashboard as of a past day")


def test_the_dashboard_on_a_phone_is_accessible(page_as, accessible):
    page = page_as("viewer", phone=True)
    page.goto("/")
    accessible(page, "the dashboard at 390 px")


@pytest.mark.parametrize("path", ["/risks/", "/risks/heatmap", "/risks/new?project=DIG-01"])
def test_risk_pages_have_no_serious_accessibility_violation(enable_plugin, page_as, accessible, path):
    enable_plugin("risk")
    page = page_as("pmo")
    page.goto(path)
    accessible(page, f"the risk page {path}")
