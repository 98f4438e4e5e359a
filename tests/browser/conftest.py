"""Browser tests: the real app in a real server, driven by Debian's chromium through playwright.

The browser is ``/usr/bin/chromium`` (``apt-get install chromium``; ``make test`` installs it
when it is missing; ``PMO_CHROMIUM`` points elsewhere). Playwright never downloads a browser
here. Without chromium these tests are skipped, except under ``CI=true``, where they fail.

Fixtures, for these tests and for a plugin's ``tests/browser/test_<plugin>.py``:

``server`` (package)
    The app on a temporary SQLite store, seeded with a small PMO (``tests/browser/seed.py``:
    the ``DIG`` and ``WPL`` programmes, projects DIG-01 ... ARC-01, 60 days of backdated
    history) and served on a free loopback port. ``server("/projects")`` is an absolute URL;
    ``server.app`` is the Flask app; ``server.people[role]`` has ``username``, ``password``
    and ``display_name``. One server serves the whole package, so tests add to the same PMO:
    use ``unique`` for names, and do not count rows that another test may have added.
``browser`` (package)
    One chromium for the package.
``page_as`` (function)
    ``page_as("pmo")`` is a page signed in as that role ("admin", "pmo", "manager",
    "viewer", "auditor") at 1280x800; ``page_as("viewer", phone=True)`` is 390x844.
    ``page_as(None)`` is a page of a fresh context, signed out. The page of each role is kept
    and reused between tests (signing in once). When the test ends, it fails if any page it
    used logged a Content-Security-Policy violation or a JavaScript error.
``screenshot`` (function)
    ``screenshot(page, "risk-heatmap")`` saves the whole page as
    ``var/screenshots/risk-heatmap.png`` (``var/`` is not in git).
``accessible`` (function)
    ``accessible(page, "the heat map")`` runs axe-core on the page and fails on any serious
    or critical violation (see ``tests/browser/axe.py``).
``enable_plugin`` (function)
    ``enable_plugin("risk")``: the admin switches the plugin on through Admin > Plugins,
    with a reason, unless it is on already. Returns the admin's page.
``unique`` (function)
    ``unique("P")`` gives a short name no other test uses, e.g. ``P-3F9A1C``.
"""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser import axe
from tests.browser.live import LiveServer
from tests.browser.seed import seed
from tests.conftest import close_app, make_app

CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    """The seeded app on a temporary SQLite store, served on a free loopback port."""
    from web.tenancy import current_pmo

    store = tmp_path_factory.mktemp("browser") / "pmo.sqlite"
    app = make_app(f"sqlite:///{store}")
    with app.app_context():
        people = seed(current_pmo())
    with LiveServer(app) as live:
        live.people = people
        yield live
    close_app(app)


@pytest.fixture(scope="package")
def browser():
    """Debian's chromium, headless; skipped when missing, failed under CI=true."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"no chromium at {CHROMIUM} (apt-get install chromium, or set PMO_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI=true: not skipping the browser tests")
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Pages:
    """One signed-in page per (role, viewport), kept for the whole package."""

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.pages: dict[tuple, Page] = {}
        self.problems: dict[Page, list[str]] = {}

    def get(self, role: str | None, phone: bool = False) -> Page:
        key = (role, phone)
        page = self.pages.get(key)
        if page is None or role is None:
            context = self.browser.new_context(viewport=PHONE if phone else DESKTOP, base_url=self.server.url,
                                               is_mobile=phone, has_touch=phone)
            context.set_default_timeout(10_000)
            page = context.new_page()
            self._watch(page)
            if role is not None:
                sign_in(page, self.server.people[role].username, self.server.people[role].password)
                self.pages[key] = page
        return page

    def _watch(self, page: Page) -> None:
        """Collect what a person would never see but must not happen: CSP refusals, JS errors."""
        self.problems.setdefault(page, [])

        def on_console(message):
            if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
                self.problems[page].append(f"CSP: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems[page].append(f"JavaScript error: {error}"))

    def close_fresh(self) -> None:
        for page in list(self.problems):
            if page not in self.pages.values():
                page.context.close()
                del self.problems[page]


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the real form, as a person would."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


@pytest.fixture(scope="package")
def _pages(browser, server):
    pages = Pages(browser, server)
    yield pages
    for page in pages.pages.values():
        page.context.close()


@pytest.fixture
def page_as(_pages):
    """``page_as(role, phone=False)``: that role's signed-in page; CSP and JS errors fail the test."""
    used: list[Page] = []

    def get(role: str | None, phone: bool = False) -> Page:
        page = _pages.get(role, phone)
        if page not in used:  # a kept page starts each test with a clean record
            _pages.problems[page] = []
            used.append(page)
        return page

    yield get
    problems = [p for page in used for p in _pages.problems.get(page, [])]
    _pages.close_fresh()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: the whole page as var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def accessible():
    """``accessible(page, what)``: axe-core finds no serious or critical violation."""
    return axe.assert_accessible


@pytest.fixture
def enable_plugin(page_as):
    """``enable_plugin(name)``: the admin switches it on in Admin > Plugins (once per package)."""
    def enable(name: str, reason: str = "We start using it") -> Page:
        page = page_as("admin")
        page.goto("/admin/plugins")
        card = page.locator("li.plugin").filter(has=page.locator("h2 .code", has_text=re.compile(f"^{name}$")))
        if card.get_by_role("button", name="Enable").count():
            card.get_by_label("Reason").fill(reason)
            card.get_by_role("button", name="Enable").click()
        expect(card.locator(".tag")).to_have_text("Enabled")
        return page

    return enable


@pytest.fixture
def unique():
    """``unique(prefix)``: a name no other test of the shared server uses."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:6].upper()}"
