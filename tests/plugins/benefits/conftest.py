"""Benefits plugin fixtures: the plugin on a core install, projects, a benefit with its story.

The generic fixtures (the app's PMO, projects P-OWN and P-OTHER in programme PRG, API callers
and signed-in clients by role) are the risk plugin's, reused as they are.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from events.context import command_context
from plugins.benefits import services
from tests.plugins.risk.conftest import as_, places, problem, sign_in, the_pmo  # noqa: F401  (fixtures)

BASELINE = date(2024, 1, 1)
TARGET = date(2025, 1, 1)  # 366 days later: planned 10 -> 30 (+1 per 18.3 days)
T0 = datetime(2025, 6, 1, 9, 0, tzinfo=timezone.utc)  # the ledger time of the story's first command


def at(n: int) -> datetime:
    """The story's n-th ledger moment: a day apart, so ``as_of`` can fall between them."""
    return T0 + timedelta(days=n)


@pytest.fixture
def enabled(the_pmo, people):
    from core.services.plugins import enable_plugin

    with command_context(people["admin"]["username"], "P3M3 level 4: benefits", occurred_at=at(0)):
        enable_plugin(the_pmo, "benefits")
    return the_pmo


def tell_story(pmo, places: dict) -> dict:
    """Objective O-001; benefit B-001 (10 -> 30 %, 2024) served by it and enabled by P-OWN's
    output; four measurements recorded on four days: 14 (Mar), 19 (Jun), 22 (Sep), 24 (Nov).
    At 2024-11-30 the plan is about 26.6: 24 is 13% behind the way, more than the 10% tolerance."""
    with command_context("pmo-user", "strategy", occurred_at=at(1)):
        objective = services.define_objective(pmo, "Faster permits", "nora", date(2024, 1, 1), date(2026, 12, 31))
    with command_context("pmo-user", "business case", occurred_at=at(2)):
        benefit = services.register_benefit(
            pmo, "Online applications", "owner-user", "Online share", "%", 10, BASELINE, 30, TARGET,
            post_project_owner="after-user", objective_ids=[objective.id],
            enablers=[{"project_id": places["P-OWN"], "output": "Portal live"}])
    for n, (day, value) in enumerate([(date(2024, 3, 1), 14), (date(2024, 6, 1), 19), (date(2024, 9, 1), 22),
                                      (date(2024, 11, 30), 24)]):
        with command_context("pmo-user", "measured", occurred_at=at(3 + n)):
            services.measure_benefit(pmo, benefit.id, value, day)
    return {"pmo": pmo, "objective": objective.id, "benefit": benefit.id, "places": places}


@pytest.fixture
def unit(pmo):
    """No app: a bare PMO with the plugin on, programme PRG with P-OWN, and P-OTHER."""
    from core.services import portfolio, projects
    from core.services.plugins import enable_plugin

    with command_context("setup", "test fixture", occurred_at=at(0)):
        enable_plugin(pmo, "benefits")
        programme = portfolio.register_programme(pmo, "PRG", "Digital")
        own = projects.register_project(pmo, "P-OWN", "Own project", manager="manager-user", programme_id=programme.id)
        other = projects.register_project(pmo, "P-OTHER", "Other project")
    return pmo, {"PRG": programme.id, "P-OWN": own.id, "P-OTHER": other.id}


@pytest.fixture
def core_story(unit):
    """The story on a bare PMO (service and query tests)."""
    return tell_story(*unit)


@pytest.fixture
def story(enabled, places):
    """The story in the app (page and API tests)."""
    return tell_story(enabled, places)
