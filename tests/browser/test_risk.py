"""The risk plugin in the browser: the admin switches it on, the PMO identifies a risk, and a
click on its heat-map cell lands on the register filtered to that cell."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_the_admin_switches_the_risk_plugin_on(enable_plugin, server):
    page = enable_plugin("risk", reason="We start a risk register")
    card = page.locator("li.plugin", has=page.locator("h2 .code", has_text=re.compile("^risk$")))
    expect(card.locator(".tag")).to_have_text("Enabled")
    expect(card).to_contain_text(f"by {server.people['admin'].username}")
    # The plugin's pages join the main navigation.
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Risks")).to_be_visible()


def test_a_heat_map_cell_opens_the_register_filtered_to_it(enable_plugin, page_as, unique, screenshot):
    enable_plugin("risk")
    page = page_as("pmo")
    page.goto("/projects/DIG-01")
    page.get_by_role("link", name="Identify a risk").click()
    title = f"Payment supplier goes bankrupt ({unique('R')})"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Owner").fill("Joris van Dam")
    page.get_by_label("Probability").fill("4")
    page.get_by_label("Impact").fill("5")
    page.get_by_role("button", name="Identify risk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Risks").click()
    expect(nav.locator('[aria-current="page"]')).to_have_text("Risks")  # the plugin's section is marked
    page.get_by_role("navigation", name="Risks and issues").get_by_role("link", name="Heat map").click()
    inherent = page.locator("section", has=page.get_by_role("heading", name="Inherent"))
    cell = inherent.get_by_role("link", name=re.compile(r"^Probability 4 .* impact 5 .*: [1-9]\d* risks?$"))
    expect(cell).to_have_count(1)
    screenshot(page, "risk-heatmap")

    cell.click()
    expect(page).to_have_url(re.compile(r"basis=inherent.*probability=4.*impact=5|probability=4.*impact=5"))
    expect(page.locator("p.notice")).to_contain_text("probability 4 × impact 5")
    rows = page.locator("table.risk-register tbody tr")
    expect(rows.filter(has_text=title)).to_have_count(1)
    expect(rows.filter(has_not_text="Critical")).to_have_count(0)  # 4 x 5 = 20: every row is critical
    screenshot(page, "risk-register")
