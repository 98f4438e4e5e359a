"""The accessibility check: axe-core (bundled by the ``axe-playwright-python`` package, so no
network at test time) run in the page as it is, every rule on.

A page passes when axe finds no violation of impact "serious" or "critical"; the message
lists each one with the elements it found, so a failure says what to fix and where. Lesser
("moderate", "minor") ones are reported as warnings: today there are none.
"""
from __future__ import annotations

import warnings

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("serious", "critical")

_axe = Axe()


def violations(page) -> list[dict]:
    """Every axe violation on the page (all impacts)."""
    return _axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            summary = (node.get("failureSummary") or "").splitlines()
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary[-1].strip() if summary else ''}")
    return "\n".join(lines)


def assert_accessible(page, what: str) -> None:
    """Fail on serious or critical violations; the lesser ones become a warning in pytest's summary."""
    found = violations(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"{what} ({page.url}) has serious accessibility problems:\n{describe(blocking)}"
    if found:
        warnings.warn(f"{what} ({page.url}) has minor accessibility problems:\n{describe(found)}", stacklevel=2)
