"""The resources plugin's hook implementations: the only module that uses ``hookimpl``.

Each hook hands over what the modules beside it define; nothing is decided here.
"""
from __future__ import annotations

from datetime import date

from flask import has_request_context

from core.hookspecs import hookimpl
from core.permissions import can_read
from plugins import kit
from plugins.resources import api, demo, panels, projections, queries, services, vault, views
from plugins.resources import cli as resources_cli
from plugins.resources.domain import Allocation, Demand, Person


@hookimpl
def plugin_info():
    return {"name": "resources", "title": "Resources and HR",
            "description": "People, capacity against demand, skills, allocations; personal data that can be forgotten",
            "maturity_level": 3, "domain": "portfolio", "depends": []}


@hookimpl
def register_aggregates():
    return [Person, Allocation, Demand]


@hookimpl
def register_projections():
    return [projections.projection]


@hookimpl
def register_services(pmo):
    vault.install(pmo)  # the key table lives beside the ledger, not in it
    return {"resources": services}


@hookimpl
def register_blueprints():
    return [views.bp, api.api]


@hookimpl
def nav_links(user, as_of):
    if not can_read(user):
        return []
    return [("People", "/resources/"), ("Capacity", "/resources/heatmap")]


def _today() -> date:
    """The page's day (its as-of day) when asked during a request; today otherwise."""
    return kit.today() if has_request_context() else date.today()


@hookimpl
def project_panels(pmo, project, as_of):
    user = kit.user() if has_request_context() else None
    editable = as_of is None and user is not None and queries.may_plan(pmo, user, project["id"])
    return [panels.project_panel(pmo, project, as_of, _today(), editable)]


@hookimpl
def dashboard_widgets(pmo, as_of):
    return [{"title": "Resources", "html": panels.dashboard_widget(pmo, as_of, _today())}]


@hookimpl
def register_commands(cli):
    cli.add_command(resources_cli.people)


@hookimpl
def demo_data(pmo, today):
    demo.load(pmo, today)
