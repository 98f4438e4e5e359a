"""The layout as a person meets it: readable at 1280x800 and on a 390 px phone without sideways
scrolling, the same header and navigation everywhere, and usable from the keyboard."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

WIDE_PAGES = ["/", "/projects/DIG-01", "/projects", "/actions", "/decisions", "/ledger", "/projects/new"]


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('main *, header *')].filter(e => e.getBoundingClientRect().right > width + 1
      && !e.parentElement.closest('.table-wrap, nav ul'));
  return out.slice(0, 5).map(e => e.outerHTML.slice(0, 120));
}"""


@pytest.mark.parametrize("phone", [False, True], ids=["1280x800", "390px"])
def test_no_page_scrolls_sideways(page_as, phone):
    page = page_as("viewer", phone=phone)
    for path in WIDE_PAGES:
        page.goto(path)
        assert overflow(page) == 0, (f"{path} is {overflow(page)} px too wide at {page.viewport_size['width']} px:"
                                     f" {page.evaluate(WIDEST)}")


def test_every_page_has_the_same_header_and_marks_where_you_are(page_as):
    page = page_as("pmo")
    for path, current in (("/", "Dashboard"), ("/projects/DIG-01", "Projects"), ("/decisions", "Decisions"),
                          ("/actions/new", "Actions")):
        page.goto(path)
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.locator('[aria-current="page"]')).to_have_text(current)
        expect(page.get_by_role("banner").get_by_label("As of", exact=True)).to_be_visible()
        expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
        expect(page.get_by_role("contentinfo")).to_be_visible()


def test_the_dashboard_on_a_phone(page_as, screenshot):
    page = page_as("viewer", phone=True)
    page.goto("/")
    # The navigation stays one swipeable row; every link is still there.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Actions")).to_be_attached()
    assert nav.locator("li").evaluate_all("items => new Set(items.map(li => li.offsetTop)).size") == 1
    expect(page.locator(".tiles .tile").first).to_be_in_viewport()
    tiles = page.locator(".tiles .tile").all()
    assert tiles[0].bounding_box()["width"] > 120, "RAG tiles are too narrow to read"
    # The project table becomes one card per project, with the rating beside its label.
    first = page.locator("table.projects tbody tr").first
    box = first.bounding_box()
    assert box["width"] <= 390
    expect(first.locator("td").filter(has_text="Red").or_(first.locator("td").filter(has_text="Amber"))
           .or_(first.locator("td").filter(has_text="Green"))).to_be_visible()
    screenshot(page, "dashboard-phone")


def test_keyboard_users_skip_to_the_content_and_see_where_focus_is(page_as):
    page = page_as("pmo")
    page.goto("/projects")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab lands inside the content, past the header, with a visible focus ring.
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    style = focused.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).boxShadow")
    assert not style.startswith("none none"), f"no visible focus indicator: {style}"
