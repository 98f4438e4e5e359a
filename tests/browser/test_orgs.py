"""Several organisations in one deployment, in a real browser: the platform admin creates an
organisation, its admin signs in at /o/<slug>/, a person of two organisations switches between
them from the top bar (desktop and phone), and a suspended organisation's sign-in says why.

The app serves organisations here (``PMO_ORGS=path``), so this module has a server of its own
(SQLite files under tmp_path, a free port) instead of the package's single-organisation one.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from events.context import command_context
from tests.browser import axe
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.live import LiveServer
from tests.conftest import make_app

ROOT_PASSWORD = "platform-root-pass"
ADA_BETA, ADA_ACME = "ada-in-beta-pass", "ada-in-acme-pass"


@pytest.fixture(scope="module")
def orgs_server(tmp_path_factory):
    """Path mode; one organisation (beta, admin ada) exists, acme is left to the test to create."""
    from web.orgs.admin import create_organisation
    from web.tenancy import close_orgs

    folder = tmp_path_factory.mktemp("orgs-browser")
    app = make_app(PMO_ORGS="path", PMO_PLATFORM_STORE=f"sqlite:///{folder}/platform.sqlite", PMO_ORGS_REFRESH=0)
    platform = app.extensions["pmo_orgs"].platform
    with command_context("setup", "browser test"):
        platform.grant_admin("root", ROOT_PASSWORD, "Platform Root")
        create_organisation(platform, "beta", "Beta Agency", "ada", ADA_BETA, entry_points=False)
    with LiveServer(app) as live:
        yield live
    close_orgs(app)


def new_page(browser, server, phone: bool = False) -> Page:
    context = browser.new_context(viewport=PHONE if phone else DESKTOP, base_url=server.url,
                                  is_mobile=phone, has_touch=phone)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Refused" in m.text else None)
    page.errors = errors  # type: ignore[attr-defined]
    return page


def sign_in(page: Page, path: str, username: str, password: str) -> None:
    page.goto(path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def assert_switcher_fits(page: Page, width: int) -> None:
    """The switcher sits in the top bar, the page does not scroll sideways, and its open menu
    stays on screen."""
    bar = page.locator("header.topbar").bounding_box()
    switcher = page.locator(".org-switcher").bounding_box()
    assert bar and switcher
    assert bar["y"] <= switcher["y"] and switcher["y"] + switcher["height"] <= bar["y"] + bar["height"] + 0.5
    assert switcher["x"] >= 0 and switcher["x"] + switcher["width"] <= width + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_text("Switch organisation").click()
    menu = page.locator(".org-switcher ul").bounding_box()
    assert menu and menu["x"] >= 0 and menu["x"] + menu["width"] <= width + 0.5
    # The menu opens over the page: the bar keeps its height.
    assert abs(page.locator("header.topbar").bounding_box()["height"] - bar["height"]) < 1


def test_platform_admin_creates_an_org_and_people_switch_between_orgs(browser, orgs_server, screenshot):
    # The platform admin signs in on the platform pages and creates acme, with ada as its admin.
    root = new_page(browser, orgs_server)
    sign_in(root, "/platform/login", "root", ROOT_PASSWORD)
    expect(root.get_by_role("heading", name="Organisations")).to_be_visible()
    expect(root.locator("svg").first).to_be_visible()  # the state chart
    axe.assert_accessible(root, "the platform's organisations")
    root.get_by_role("link", name="Create an organisation").click()
    axe.assert_accessible(root, "the create-an-organisation form")
    root.get_by_label("Slug").fill("acme")
    root.get_by_label("Name", exact=True).fill("Acme Consulting")
    root.get_by_label("First admin's username").fill("ada")
    root.get_by_label("First admin's password").fill(ADA_ACME)
    root.get_by_role("button", name="Create organisation").click()
    expect(root.get_by_role("status")).to_contain_text("Organisation acme created")
    expect(root.get_by_role("row", name=re.compile("Acme Consulting"))).to_be_visible()

    # Ada signs in to acme at its own address; the top bar names acme and offers beta.
    ada = new_page(browser, orgs_server)
    sign_in(ada, "/o/acme/login", "ada", ADA_ACME)
    assert ada.url.endswith("/o/acme/")
    switcher = ada.locator(".org-switcher")
    expect(switcher.locator(".org-name")).to_have_text("Acme Consulting")
    assert_switcher_fits(ada, DESKTOP["width"])
    axe.assert_accessible(ada, "the dashboard with the organisation switcher open")
    screenshot(ada, "orgs-switcher-desktop")
    # Beta has its own sign-in (its own session); then its top bar offers acme.
    switcher.get_by_role("link", name="Beta Agency").click()
    expect(ada).to_have_url(re.compile(r"/o/beta/login"))
    sign_in(ada, "/o/beta/login", "ada", ADA_BETA)
    expect(ada.locator(".org-switcher .org-name")).to_have_text("Beta Agency")
    ada.get_by_text("Switch organisation").click()
    ada.locator(".org-switcher").get_by_role("link", name="Acme Consulting").click()
    expect(ada).to_have_url(re.compile(r"/o/acme/$"))  # still signed in there
    expect(ada.locator(".org-switcher .org-name")).to_have_text("Acme Consulting")

    # On a phone the switcher takes a row of the bar of its own and its menu stays on screen.
    phone = new_page(browser, orgs_server, phone=True)
    sign_in(phone, "/o/acme/login", "ada", ADA_ACME)
    assert_switcher_fits(phone, PHONE["width"])
    screenshot(phone, "orgs-switcher-phone")

    # The platform admin suspends beta; its sign-in page says so, with the reason.
    root.goto("/platform/")
    root.get_by_role("row", name=re.compile("Beta Agency")).get_by_role("link", name="Suspend").click()
    root.get_by_label("Reason").fill("contract ended")
    root.get_by_role("button", name="Suspend").click()
    expect(root.get_by_role("status")).to_contain_text("Beta Agency is suspended")
    stranger = new_page(browser, orgs_server)
    answer = stranger.goto("/o/beta/login")
    assert answer.status == 403
    expect(stranger.locator("main")).to_contain_text("Beta Agency is suspended: contract ended")
    axe.assert_accessible(stranger, "a suspended organisation's sign-in")
    problems = [e for p in (root, ada, phone, stranger) for e in p.errors]  # type: ignore[attr-defined]
    assert not problems, problems
    for p in (root, ada, phone, stranger):
        p.context.close()
