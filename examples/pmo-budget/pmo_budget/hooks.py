"""The plugin's hook implementations: the only module that uses ``hookimpl``.

PMO Ledger finds this module through the ``pmo.plugins`` entry point in ``pyproject.toml``.
Each hook hands over what the modules beside it define; nothing is decided here.
"""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.permissions import can_read
from plugins import kit
from pmo_budget import api, demo, panels, projections, services, views
from pmo_budget import cli as budget_cli  # the hook's argument is called cli
from pmo_budget.domain import Budget


@hookimpl
def plugin_info():
    return {
        "name": "budget", "title": "Budget vs actuals",
        "description": "A budget per project, actual costs against it, and where spending runs over",
        "maturity_level": 3, "domain": "portfolio", "depends": [],
        # Recommended by the self-assessment to a PMO whose budgets live in spreadsheets or elsewhere.
        "addresses": {"costs": ["finance_only", "spreadsheet"]},
    }


@hookimpl
def register_aggregates():
    return [Budget]


@hookimpl
def register_projections():
    return [projections.projection]


@hookimpl
def register_services(pmo):
    return {"budget": services}


@hookimpl
def register_blueprints():
    return [views.bp, api.api]


@hookimpl
def nav_links(user, as_of):
    return [("Budgets", "/budget/")] if can_read(user) else []


@hookimpl
def project_panels(pmo, project, as_of):
    panel = panels.project_panel(pmo, project, as_of, kit.href(f"/budget/{project['id']}"))
    return [panel] if panel else []


@hookimpl
def status_report_hints(pmo, project, as_of):
    hint = panels.status_hint(pmo, project, as_of)
    return [hint] if hint else []


@hookimpl
def report_sections(pmo, project, report, as_of):
    section = panels.report_section(pmo, project, as_of)
    return [section] if section else []


@hookimpl
def dashboard_widgets(pmo, as_of):
    return [panels.dashboard_widget(pmo, as_of, kit.href("/budget/"))]


@hookimpl
def register_commands(cli):
    cli.add_command(budget_cli.budget)


@hookimpl
def demo_data(pmo, today):
    demo.load(pmo, today)
