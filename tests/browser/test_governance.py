"""The governance plugin in the browser: the PMO opens a gate review of a project, answers its
checklist with evidence, gives the verdict "go", and finds the project moved and the decision
in the decision log, linking back to the review."""
from __future__ import annotations

from playwright.sync_api import expect

from events.context import command_context


def test_run_a_gate_review_to_go(server, enable_plugin, page_as, unique, screenshot, accessible):
    from core import queries
    from core.services import projects
    from web.tenancy import current_pmo

    enable_plugin("knowledge", reason="Templates and lessons")
    enable_plugin("governance", reason="Gate reviews and steering committees")
    code = unique("GR")
    with server.app.app_context(), command_context("saga", "A proposal for the board"):
        pmo = current_pmo()
        project = projects.register_project(pmo, code, "Reviewed project", manager="joris")
        projects.move_project_to_stage(pmo, project.id, "proposed", "Proposal written")

    page = page_as("pmo")
    page.goto(f"/governance/reviews/new?project={code}")
    page.get_by_label("Chair").fill("nora")
    page.get_by_role("button", name="Open review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gate review: proposed → approved")

    page.get_by_role("link", name="Give the verdict").click()
    items = page.locator("fieldset.choices")
    for n in range(items.count() - 1):  # every checklist item; the last fieldset is the verdict
        items.nth(n).get_by_label("Met", exact=True).check()
        page.get_by_label(f"Evidence for item {n + 1}", exact=True).fill("In the business case, page 3")
    page.get_by_role("group", name="Verdict").get_by_label("Go", exact=True).check()
    page.get_by_role("button", name="Record verdict").click()

    expect(page.locator("#verdict")).to_contain_text("moved from proposed to approved")
    accessible(page, "a decided gate review")
    screenshot(page, "gate-review-go")
    page.locator("#decision-link").click()
    expect(page.locator("#decision-source")).to_contain_text("Taken in gate review")
    page.locator("#decision-source a").click()
    expect(page.locator("#verdict")).to_contain_text("Go")
    with server.app.app_context():
        assert queries.get_project(current_pmo(), code)["stage"] == "approved"
