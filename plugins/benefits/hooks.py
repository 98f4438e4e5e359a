"""The benefits plugin's hook implementations: the only module that uses ``hookimpl``.

Each hook hands over what the modules beside it define; nothing is decided here.
"""
from __future__ import annotations

from datetime import date

from flask import has_request_context

from core.hookspecs import hookimpl
from core.permissions import can_read
from plugins import kit
from plugins.benefits import api, demo, panels, projections, services, views
from plugins.benefits import cli as benefits_cli
from plugins.benefits.domain import Benefit, Objective


@hookimpl
def plugin_info():
    return {"name": "benefits", "title": "Benefits realisation",
            "description": "Strategic objectives, benefits and dis-benefits, measurements after the project, "
                           "realisation curves and the benefit map",
            "maturity_level": 4, "domain": "portfolio", "depends": []}


@hookimpl
def register_aggregates():
    return [Objective, Benefit]


@hookimpl
def register_projections():
    return [projections.projection]


@hookimpl
def register_services(pmo):
    return {"benefits": services}


@hookimpl
def register_blueprints():
    return [views.bp, api.api]


@hookimpl
def nav_links(user, as_of):
    return [("Benefits", "/benefits/")] if can_read(user) else []


def _today() -> date:
    return kit.today() if has_request_context() else date.today()


@hookimpl
def project_panels(pmo, project, as_of):
    return [panels.project_panel(pmo, project, as_of, _today())]


@hookimpl
def dashboard_widgets(pmo, as_of):
    return [{"title": "Benefits", "html": panels.dashboard_widget(pmo, as_of, _today())}]


@hookimpl
def register_commands(cli):
    cli.add_command(benefits_cli.benefits)


@hookimpl
def demo_data(pmo, today):
    demo.load(pmo, today)
