"""The knowledge plugin in the browser: the PMO records a lesson and finds it by a word of its
story; defines a template and makes a new project from it, whose page suggests the lesson."""
from __future__ import annotations

from playwright.sync_api import expect


def test_record_a_lesson_search_it_and_make_a_project_from_a_template(enable_plugin, page_as, unique, screenshot,
                                                                       accessible):
    enable_plugin("knowledge", reason="We start collecting lessons learned")
    page = page_as("pmo")
    word = unique("W").replace("-", "").lower()  # a word no other lesson holds
    page.goto("/knowledge/lessons/new")
    page.get_by_label("Title", exact=True).fill("Supplier delivered late")
    page.get_by_label("What happened", exact=True).fill(f"The supplier missed the {word} delivery without warning.")
    page.get_by_label("Repeat or avoid", exact=True).select_option("avoid")
    page.get_by_label("What to repeat or avoid", exact=True).fill("Put delivery dates with penalties in the contract.")
    page.get_by_label("Category", exact=True).fill("suppliers")
    page.get_by_label("Tags", exact=True).fill("supplier, contract")
    page.get_by_role("button", name="Record lesson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supplier delivered late")
    page.get_by_role("link", name="Endorse").click()
    page.get_by_role("button", name="Endorse").click()
    expect(page.locator("#lesson-status")).to_have_text("Endorsed")

    page.get_by_role("navigation", name="Knowledge").get_by_role("link", name="Lessons learned").click()
    page.get_by_label("Words", exact=True).fill(word)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#lesson-count")).to_contain_text("1 lesson")
    expect(page.locator(".lesson-title a")).to_have_text("Supplier delivered late")
    expect(page.locator("svg.lessons-chart")).to_have_count(1)
    accessible(page, "the lessons search")

    name = f"Supplier project ({unique('T')})"
    page.goto("/knowledge/templates/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Category", exact=True).fill("suppliers")
    page.get_by_label("Milestones", exact=True).fill("0 | Kick-off\n90 | Go-live")
    page.get_by_label("Standard actions", exact=True).fill("7 | Write the brief")
    page.get_by_label("Checklist to approve the project", exact=True).fill("Brief signed")
    page.get_by_role("button", name="Define template").click()
    expect(page.locator("#template-version")).to_have_text("version 1")
    page.get_by_role("link", name="New project from this template").click()
    code = unique("K")
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Name", exact=True).fill("Kiosk replacement")
    page.get_by_label("Start date", exact=True).fill("2026-05-04")
    page.get_by_role("button", name="Register project").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kiosk replacement")
    panel = page.locator("section", has=page.get_by_role("heading", name="Lessons and template"))
    expect(panel).to_contain_text(f"{name} version 1")
    expect(panel.get_by_role("link", name="Supplier delivered late").first).to_be_visible()
    expect(page.locator("#milestone-timeline-desc")).to_contain_text("Go-live: baseline 2026-08-02")
    accessible(page, "a project made from a template")
    screenshot(page, "knowledge-project-from-template")
