"""Knowledge plugin fixtures: the plugin on a core install, projects, a small library of lessons.

The generic fixtures (the app's PMO, projects P-OWN and P-OTHER in programme PRG, API callers
and signed-in clients by role) are the risk plugin's, reused as they are.
"""
from __future__ import annotations

from datetime import date

import pytest

from events.context import command_context
from plugins.knowledge import services
from tests.plugins.risk.conftest import as_, places, problem, sign_in, the_pmo  # noqa: F401  (fixtures)

SMALL = dict(milestones=[{"name": "Kick-off", "offset_days": 0}, {"name": "Go-live", "offset_days": 90}],
             actions=[{"title": "Write the brief", "offset_days": 7, "owner": ""}],
             checklists={"approved": ["Brief signed"], "active": ["Team named"], "closed": ["Lessons recorded"]},
             category="suppliers", tags=["contract"], recommended_plugins=["risk"], gate_reviews_required=True)


def library(pmo, project_id=None) -> dict:
    """Three lessons: two about suppliers (one says it in its title and tags, one only once in
    its story), one about users; the first two endorsed."""
    with command_context("pmo-user", "lessons session"):
        strong = services.record_lesson(
            pmo, "Supplier delivered late", "The supplier missed two deliveries; the supplier did not warn us.",
            "avoid", "Penalty clauses for supplier delivery dates", "suppliers", ["supplier", "contract"],
            "active", project_id, date(2025, 3, 1))
        weak = services.record_lesson(
            pmo, "Budget overrun", "Prices rose; the supplier index clause applied.", "avoid",
            "Keep a contingency", "finance", ["budget", "contract"], "", None, date(2025, 4, 1))
        other = services.record_lesson(
            pmo, "Weekly demos", "Users saw progress every Friday.", "repeat", "Show working software to users",
            "stakeholders", ["users"], "active", None, date(2025, 5, 1))
        services.endorse_lesson(pmo, strong.id)
        services.endorse_lesson(pmo, weak.id)
    return {"strong": strong.id, "weak": weak.id, "other": other.id}


@pytest.fixture
def unit(pmo):
    """No app: a bare PMO on memory with the plugin on and project P-OWN."""
    from core.services import projects
    from core.services.plugins import enable_plugin

    with command_context("setup", "test fixture"):
        enable_plugin(pmo, "knowledge")
        own = projects.register_project(pmo, "P-OWN", "Own project", manager="manager-user")
    return pmo, own.id


@pytest.fixture
def enabled(the_pmo, people):
    from core.services.plugins import enable_plugin

    with command_context(people["admin"]["username"], "P3M3 level 3: lessons and templates"):
        enable_plugin(the_pmo, "knowledge")
    return the_pmo
