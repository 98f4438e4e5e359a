"""The governance plugin's hook implementations: the only module that uses ``hookimpl``.

Each hook hands over what the modules beside it define; nothing is decided here.
"""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.permissions import can_read
from plugins.governance import api, demo, panels, projections, services, views
from plugins.governance import cli as governance_cli
from plugins.governance.domain import GateChecklist, GateReview, Meeting, MeetingSeries


@hookimpl
def plugin_info():
    return {"name": "governance", "title": "Governance: gate reviews and meetings",
            "description": "Gate reviews with checklists and verdicts that move projects through their stages; "
                           "steering committees and boards whose decisions and actions go to the logs, archived "
                           "once closed",
            "maturity_level": 3, "domain": "programme", "depends": ["knowledge"]}


@hookimpl
def register_aggregates():
    return [GateChecklist, GateReview, MeetingSeries, Meeting]


@hookimpl
def register_projections():
    return [projections.projection]


@hookimpl
def register_services(pmo):
    return {"governance": services}


@hookimpl
def stage_change_guard(pmo, project, to_stage, via):
    return services.refusal(pmo, project, to_stage, via)


@hookimpl
def register_blueprints():
    return [views.bp, api.api]


@hookimpl
def nav_links(user, as_of):
    return [("Governance", "/governance/")] if can_read(user) else []


@hookimpl
def project_panels(pmo, project, as_of):
    return [panels.project_panel(pmo, project, as_of)]


@hookimpl
def register_commands(cli):
    cli.add_command(governance_cli.meetings)
    cli.add_command(governance_cli.reviews)


@hookimpl
def demo_data(pmo, today):
    demo.load(pmo, today)
