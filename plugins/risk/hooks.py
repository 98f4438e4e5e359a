"""The risk plugin's hook implementations: the only module that uses ``hookimpl``.

Each hook hands over what the modules beside it define; nothing is decided here.
"""
from __future__ import annotations

from datetime import date

from flask import has_request_context

from core.hookspecs import hookimpl
from core.permissions import can_read
from plugins import kit
from plugins.risk import api, demo, import_kind, panels, projections, queries, report_section, services, views
from plugins.risk import cli as risk_cli
from plugins.risk.domain import Issue, Risk, RiskSettings


@hookimpl
def plugin_info():
    return {"name": "risk", "title": "Risk register",
            "description": "Risks and issues: assessments, heat maps, mitigations, escalation",
            "maturity_level": 2, "domain": "project", "depends": []}


@hookimpl
def register_aggregates():
    return [Risk, Issue, RiskSettings]


@hookimpl
def register_projections():
    return [projections.projection]


@hookimpl
def register_services(pmo):
    return {"risk": services}


@hookimpl
def import_kinds():
    return [import_kind.RISKS]


@hookimpl
def register_blueprints():
    return [views.bp, api.api]


@hookimpl
def nav_links(user, as_of):
    if not can_read(user):
        return []
    return [("Risks", "/risks/"), ("Issues", "/risks/issues/")]


def _today() -> date:
    """The page's day (its as-of day) when asked during a request; today otherwise."""
    return kit.today() if has_request_context() else date.today()


@hookimpl
def status_report_hints(pmo, project, as_of):
    """Critical risks or issues suggest red; high ones, or overdue reviews/mitigations, amber."""
    hint = queries.status_hint(pmo, project["id"], as_of)
    return [hint] if hint else []


@hookimpl
def project_panels(pmo, project, as_of):
    user = kit.user() if has_request_context() else None
    editable = as_of is None and user is not None and queries.may_edit(pmo, user, project_id=project["id"])
    return [panels.project_panel(pmo, project, as_of, _today(), editable)]


@hookimpl
def report_sections(pmo, project, report, as_of):
    return [report_section.top_risks(pmo, project, as_of, _today())]


@hookimpl
def dashboard_widgets(pmo, as_of):
    return [{"title": "Risks", "html": panels.dashboard_widget(pmo, as_of, _today())}]


@hookimpl
def register_commands(cli):
    cli.add_command(risk_cli.risk)


@hookimpl
def demo_data(pmo, today):
    demo.load(pmo, today)
