"""Every link a page writes stays inside its organisation, without the 307 fallback.

In path mode an organisation's pages live under ``/o/<slug>/``. A root-relative link such as
``href="/risks/"`` only reaches the right ledger through a redirect that guesses the
organisation from the Referer; links built with ``url_for`` (templates) or ``kit.href``
(plugins' Markup) carry the prefix themselves. The crawl below follows the links of organisation
A's pages, with every built-in plugin enabled, and lists any link, form action or file that
does not start with A's prefix.
"""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

from events.context import command_context

SLUG = "org-a"
PREFIX = f"/o/{SLUG}/"
PLUGINS = ("risk", "resources", "benefits", "knowledge", "governance", "portfolio")
# Root-relative targets that are not A's: attributes of HTML and of SVG (xlink:href ends in href).
OUTSIDE = re.compile(r'\b(?:href|action|src|formaction)="(/(?!o/' + SLUG + r'/)[^"]*)"')
LINK = re.compile(r'\bhref="(' + PREFIX + r'[^"#]*)')
# Downloads and the same page at other moments add nothing a crawl of pages needs.
SKIP = re.compile(r"[?&](format|as_of|page|sort)=|/static/|/api/")
MAX_PAGES = 90


def _enable(world, added: list[str]) -> None:
    """Enable the plugins ``added`` in A (risk already is), and give their pages something to show."""
    from core.services.plugins import enable_plugin

    pmo = world.pmo(SLUG)
    with command_context("setup", "links test: every plugin's pages"):
        for name in added:
            if name not in pmo.enabled_plugins():  # knowledge comes with governance
                enable_plugin(pmo, name, with_dependencies=True)
        _seed(pmo, world.projects[SLUG])


def _seed(pmo, project_id) -> None:
    """Something on the detail pages: a risk and a lesson of A's project."""
    from plugins.knowledge import services as knowledge
    from plugins.risk import services as risk

    risk.identify_risk(pmo, "Links risk", "ann", project_id=project_id, probability=4, impact=4)
    knowledge.record_lesson(pmo, "Links lesson", "It happened.", "repeat", "Do it again.", "planning",
                            project_id=project_id)


def _restore(world, added: list[str]) -> None:
    from core.services.plugins import disable_plugin

    pmo = world.pmo(SLUG)
    with command_context("setup", "links test: put the plugins back"):
        for name in reversed(added):
            if name in pmo.enabled_plugins():
                disable_plugin(pmo, name, with_dependants=True)


def test_plugin_pages_write_no_link_outside_the_org(orgs_world):
    world = orgs_world
    added = [name for name in PLUGINS if name not in world.pmo(SLUG).enabled_plugins()]
    try:
        _enable(world, added)
        admin = world.people[SLUG]["admin"]
        client = world.sign_in(SLUG, admin["username"], admin["password"])
        start = [f"{PREFIX}{path}" for path in (
            "", "projects/P-ORG-A", "imports", "risks/", "risks/heatmap", "risks/issues/", "resources/",
            "benefits/", "benefits/map", "knowledge/", "governance/", "portfolio/ranking", "portfolio/roadmap")]
        seen, queue, problems, visited = set(start), deque(start), {}, []
        while queue and len(visited) < MAX_PAGES:
            url = queue.popleft()
            page = client.get(url)
            if page.status_code == 404:
                problems.setdefault(url, "(answered 404)")  # e.g. a prefix written twice
            if page.status_code != 200 or not page.mimetype.startswith("text/html"):
                assert page.status_code < 500, f"{url}: {page.status_code}"
                continue
            visited.append(url)
            html = page.get_data(as_text=True)
            for target in OUTSIDE.findall(html):
                problems.setdefault(target, url)
            for link in LINK.findall(html):
                link = link.replace("&amp;", "&")
                if link not in seen and not SKIP.search(link):
                    seen.add(link)
                    queue.append(link)
        # The walk really went through the plugins' pages, not just the dashboard.
        areas = {urlsplit(u).path[len(PREFIX):].split("/", 1)[0] for u in visited}
        assert {"risks", "resources", "benefits", "knowledge", "governance", "portfolio", "imports"} <= areas, areas
        assert problems == {}, "\n".join(f"{target}  (on {page})" for target, page in sorted(problems.items()))
    finally:
        _restore(world, added)
