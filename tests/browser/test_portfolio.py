"""The portfolio plugin in the browser: the PMO defines a criterion, scores and estimates a
project from the ranking, sets a budget, and sees the selection name what binds."""
from __future__ import annotations

from playwright.sync_api import expect


def test_score_a_project_see_the_ranking_and_run_a_selection(enable_plugin, page_as, unique, screenshot, accessible):
    enable_plugin("portfolio", reason="We prioritise the portfolio")
    page = page_as("pmo")
    page.goto("/portfolio/criteria/new")
    ref = unique("V").replace("-", "")
    page.get_by_label("Reference").fill(ref)
    page.get_by_label("Name").fill(f"Business value {ref}")
    page.get_by_label("Weight").fill("50")
    page.get_by_role("button", name="Define criterion").click()
    expect(page.locator("#criteria")).to_contain_text(ref)

    page.goto("/portfolio/ranking")
    row = page.locator("#ranking tr[data-code='DIG-01']")
    row.get_by_role("link", name="Score").click()
    page.get_by_label("Criterion").select_option(label=f"{ref} · Business value {ref} (weight 50)")
    page.get_by_label("Score (0-5, 5 best for the portfolio)").fill("5")
    page.get_by_label("Rationale").fill("Most residents gain from it")
    page.get_by_role("button", name="Record score").click()
    expect(page.locator("#ranking tr[data-code='DIG-01']")).to_contain_text("Most residents gain from it")
    expect(page.locator("svg.portfolio-ranking")).to_be_visible()
    accessible(page, "the portfolio ranking")
    screenshot(page, "portfolio-ranking")

    page.locator("#ranking tr[data-code='DIG-01']").get_by_role("link", name="Estimate").click()
    page.get_by_label("Cost").fill("900000")
    page.get_by_role("button", name="Record estimate").click()
    page.goto("/portfolio/envelope")
    page.get_by_label("Budget").fill("100000")
    page.get_by_role("button", name="Set envelope").click()
    expect(page.locator("#binding")).to_contain_text("budget")
    expect(page.locator("#left-out tr[data-code='DIG-01']")).to_contain_text("budget")
    page.get_by_label("Try a budget").fill("50000000")
    page.get_by_role("button", name="Select").click()
    expect(page.locator("#chosen tr[data-code='DIG-01']")).to_have_count(1)
    accessible(page, "the portfolio selection")


def test_a_scenario_drops_a_project_compares_and_commits_then_the_roadmap(enable_plugin, page_as, unique, screenshot,
                                                                          accessible):
    enable_plugin("portfolio", reason="We prioritise the portfolio")
    page = page_as("pmo")
    # The scenario drops a project of its own: the browser tests share one server, and the
    # seeded projects are other tests' ground.
    code = unique("DROP")
    page.goto("/projects/new")
    page.get_by_label("Code").fill(code)
    page.get_by_label("Name", exact=True).fill("Kiosk pilot")
    page.get_by_label("Programme").select_option(label="DIG · Digital services")
    page.get_by_role("button", name="Register project").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kiosk pilot")

    page.goto("/portfolio/scenarios/new")
    name = unique("Scenario")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Branch scenario").click()
    expect(page.locator("#evaluated-now")).to_be_visible()
    page.get_by_role("link", name="Drop a project").click()
    page.get_by_label("Project").select_option(label=f"{code} · Kiosk pilot (idea)")
    page.get_by_role("button", name="Record in scenario").click()
    expect(page.locator("#changes")).to_contain_text(f"Drop {code}")
    expect(page.locator("svg.portfolio-compare")).to_be_visible()
    accessible(page, "a scenario beside the live portfolio")
    screenshot(page, "portfolio-scenario")
    page.get_by_role("link", name="Commit", exact=True).click()
    page.get_by_role("button", name="Commit scenario").click()
    expect(page.locator("#scenario-state")).to_contain_text("committed")
    page.goto(f"/projects/{code}")
    expect(page.locator("main")).to_contain_text("cancelled")

    page.goto("/portfolio/roadmap")
    expect(page.locator("svg.portfolio-roadmap a.bar").first).to_be_visible()
    expect(page.locator("svg.portfolio-bubbles")).to_be_visible()
    accessible(page, "the portfolio roadmap")
    screenshot(page, "portfolio-roadmap")
    page.goto("/portfolio/roadmap?as_of=2000-01-01")
    expect(page.locator("svg.portfolio-roadmap")).to_contain_text("No project has dates")
