"""Governance plugin fixtures: the plugin (and knowledge, which it needs) on a core install,
a project at the gate to approved, a steering committee with a meeting.

The generic fixtures (the app's PMO, projects P-OWN and P-OTHER in programme PRG, API callers
and signed-in clients by role) are the risk plugin's, reused as they are.
"""
from __future__ import annotations

from datetime import date

import pytest

from events.context import command_context
from tests.plugins.risk.conftest import as_, places, problem, sign_in, the_pmo  # noqa: F401  (fixtures)

HELD_ON = date(2025, 3, 4)


def answers(n: int, **special: tuple[str, str]) -> list[dict]:
    """Every item met with evidence, except ``special={"1": ("not_met", "why")}`` (0-based)."""
    given = [{"answer": "met", "evidence": "in the business case"} for _ in range(n)]
    for index, (answer, evidence) in special.items():
        given[int(index)] = {"answer": answer, "evidence": evidence}
    return given


@pytest.fixture
def unit(pmo):
    """No app: a bare PMO with governance (and knowledge) on; P-OWN proposed, P-OTHER idea."""
    from core.services import projects
    from core.services.plugins import enable_plugin

    with command_context("setup", "test fixture"):
        enable_plugin(pmo, "governance", with_dependencies=True)
        own = projects.register_project(pmo, "P-OWN", "Own project", manager="manager-user")
        projects.move_project_to_stage(pmo, own.id, "proposed", "idea accepted")
        other = projects.register_project(pmo, "P-OTHER", "Other project")
    return pmo, {"P-OWN": own.id, "P-OTHER": other.id}


@pytest.fixture
def enabled(the_pmo, people, places):
    """In the app: the admin switches governance on (with knowledge); P-OWN is proposed."""
    from core.services import projects
    from core.services.plugins import enable_plugin

    with command_context(people["admin"]["username"], "Gate reviews and steering committees"):
        enable_plugin(the_pmo, "governance", with_dependencies=True)
        projects.move_project_to_stage(the_pmo, places["P-OWN"], "proposed", "idea accepted")
    return the_pmo
