"""The risk plugin through each hook it implements, as the core calls them."""
from __future__ import annotations

from datetime import date

import click
import pytest

from core.plugins import make_plugin_manager, plugin_infos
from events.context import command_context
from plugins import BUILTINS
from plugins.risk import hooks, services
from plugins.risk.domain import Issue, Risk, RiskSettings
from tests.conftest import login


def test_it_is_a_builtin_with_its_info():
    assert hooks in BUILTINS
    info = plugin_infos(make_plugin_manager(BUILTINS, entry_points=False))["risk"]
    assert (info.title, info.maturity_level, info.depends) == ("Risk register", 2, ())


def test_its_aggregates_carry_explicit_topics(pmo):
    assert {Risk, Issue, RiskSettings} <= set(pmo.aggregates)
    assert Risk.TOPIC == "risk.Risk" and Risk.Identified.TOPIC == "risk.Risk.Identified"
    assert Issue.Raised.TOPIC == "risk.Issue.Raised"


def test_services_and_projection_are_registered(pmo):
    assert pmo.plugin_services["risk"] is services
    assert pmo.projection_owner["risk"] == "risk"
    assert "risk" not in pmo.active_projections()  # installed, not enabled


def test_nav_links_only_for_readers():
    class Reader:
        role = "viewer"

    assert ("Risks", "/risks/") in hooks.nav_links(user=Reader(), as_of=None)
    assert hooks.nav_links(user=None, as_of=None) == []


def test_panels_and_widgets_escape_what_people_typed(enabled, places, app):
    with command_context("pmo-user"):
        services.identify_risk(enabled, "<script>x</script>", "pmo-user", project_id=places["P-OWN"],
                               probability=5, impact=5)
    with app.app_context():
        panels = enabled.hook("project_panels")(pmo=enabled, project={"id": places["P-OWN"]}, as_of=None)
        widgets = enabled.hook("dashboard_widgets")(pmo=enabled, as_of=None)
    panel = [p for group in panels for p in group][0]
    assert panel["prominent"] is True and "&lt;script&gt;" in str(panel["html"]) and "<script>" not in str(panel["html"])
    assert "&lt;script&gt;" in str([w for group in widgets for w in group][0]["html"])


def test_the_command_group_is_added():
    group = click.Group("pmo")
    hooks.register_commands(cli=group)
    assert set(group.commands["risk"].commands) == {"import", "export"}


def test_blueprints_give_pages_and_an_api(enabled, client, people):
    login(client, people["viewer"]["username"], people["viewer"]["password"])
    assert client.get("/risks/").status_code == 200
    assert client.get("/api/risks").status_code == 200
    assert "/api/risks" in client.get("/api/openapi.json").get_json()["paths"]


@pytest.mark.parametrize("today", [date(2025, 6, 30)])
def test_demo_data_needs_the_core_demo(pmo, today):
    """Without the core demo's projects there is still a portfolio-level register."""
    with command_context("admin"):
        from core.services.plugins import enable_plugin

        enable_plugin(pmo, "risk")
    with command_context("saga", "Demo data"):
        pmo.hook("demo_data")(pmo=pmo, today=today)
    from plugins.risk import queries

    assert {r["scope"] for r in queries.list_risks(pmo, status="all")} == {"portfolio"}
