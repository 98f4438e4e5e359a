"""The benefits plugin in the browser: the PMO registers a benefit of a project, records a
measurement and sees it on the realisation curve, in the register and on the map."""
from __future__ import annotations

from playwright.sync_api import expect


def test_register_a_benefit_measure_it_and_see_the_curve(enable_plugin, page_as, unique, screenshot, accessible):
    enable_plugin("benefits", reason="We track benefits after the projects")
    page = page_as("pmo")
    page.goto("/benefits/new?project=DIG-01")
    title = f"More applications online ({unique('B')})"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Owner", exact=True).fill("saga")
    page.get_by_label("Indicator").fill("Share of applications made online")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Baseline value").fill("15")
    page.get_by_label("Baseline date").fill("2024-01-01")
    page.get_by_label("Target value").fill("70")
    page.get_by_label("Target date").fill("2026-01-01")
    page.get_by_role("button", name="Register benefit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("#benefit-state")).to_contain_text("Not measured")

    page.get_by_role("link", name="Record a measurement").click()
    page.get_by_label("Measured on").fill("2024-07-01")
    page.get_by_label("Value").fill("20")
    page.get_by_role("button", name="Record measurement").click()
    expect(page.locator("#measurement-count")).to_have_text("1")
    curve = page.locator("svg.benefit-curve")
    expect(curve.locator("polyline.curve-planned")).to_have_count(1)
    expect(curve.locator("circle.point")).to_have_count(1)
    # Half a year in, the plan is about 30%: 20% is far behind, so the benefit is at risk.
    expect(page.locator("#benefit-state")).to_contain_text("At risk")
    accessible(page, "a benefit's page with its curve")
    screenshot(page, "benefit-curve")

    page.get_by_role("navigation", name="Benefits").get_by_role("link", name="Benefit map").click()
    expect(page.locator("svg.benefit-map a.node-benefit", has_text=title[:30])).to_have_count(1)
