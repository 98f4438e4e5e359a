"""The resources plugin in the browser: the PMO registers a person, allocates her to two
projects (the second books her beyond her hours: the page says so, and records it), and the
capacity heat map shows those months over-allocated."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from plugins.resources import capacity as cap


def allocate(page, project: str, first: date, last: date, percent: str) -> None:
    page.get_by_role("link", name="Allocate", exact=True).click()
    page.get_by_label("Project").select_option(label=project)
    page.get_by_label("From").fill(first.isoformat())
    page.get_by_label("Until").fill(last.isoformat())
    page.get_by_label("Percent of a full-time week").fill(percent)
    page.get_by_role("button", name="Allocate").click()


def test_add_a_person_allocate_beyond_capacity_and_see_the_heat_map(enable_plugin, page_as, unique, screenshot,
                                                                    accessible):
    enable_plugin("resources", reason="We plan our people")
    page = page_as("pmo")
    page.goto("/resources/")
    page.get_by_role("link", name="Register a person").click()
    name = f"Ada Lind {unique('P')}"
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(f"{name.split()[-1].lower()}@example.org")
    page.get_by_label("Role", exact=True).fill("Business analyst")
    page.get_by_label("Department", exact=True).fill("Digital services")
    page.get_by_label("Hours per week").fill("32")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    person_id = page.url.rstrip("/").rsplit("/", 1)[-1]

    first = cap.add_months(cap.month_start(date.today()), 1)
    last = cap.month_end(cap.add_months(first, 1))
    allocate(page, "DIG-01 · Citizen self-service portal", first, last, "60")
    expect(page.locator(".flash-success")).to_contain_text("Allocation recorded.")
    allocate(page, "DIG-02 · Payroll system migration", first, last, "40")
    # 100% of a full-time week against her 32 hours: recorded, with a warning per month.
    warnings = page.locator(".flash-warning")
    expect(warnings).to_have_count(2)
    expect(warnings.first).to_contain_text(re.compile(
        rf"Over-allocated: {name} is booked [\d.]+ h of [\d.]+ h in {cap.label(first)} by DIG-01 .*DIG-02"))
    expect(page.locator("table.resources-load tr.load-over")).to_have_count(2)

    page.get_by_role("navigation", name="Resources and HR").get_by_role("link", name="Heat map").click()
    choose = page.get_by_role("form", name="Choose the heat map")
    choose.get_by_label("From month").fill(cap.label(first))
    choose.get_by_role("button", name="Show").click()
    row = page.locator(f'svg.resources-heatmap g.cell[data-row="{person_id}"]')
    expect(row).to_have_count(12)
    for month in (first, cap.add_months(first, 1)):
        expect(row.and_(page.locator(f'[data-month="{cap.label(month)}"]'))).to_have_class("cell status-over")
    expect(row.and_(page.locator(f'[data-month="{cap.label(cap.add_months(first, 2))}"]'))).to_have_class(
        "cell status-under")
    screenshot(page, "resources-heatmap")
    accessible(page, "the capacity heat map")
