"""The portfolio plugin's hook implementations: the only module that uses ``hookimpl``."""
from __future__ import annotations

from flask import has_request_context
from markupsafe import Markup

from core.hookspecs import hookimpl
from core.permissions import can_read
from plugins import kit
from plugins.portfolio import api, demo, projections, queries, rollup, scenario_api, scenario_views, services, views  # noqa: F401
from plugins.portfolio import cli as portfolio_cli
from plugins.portfolio.domain import Appraisal, Criterion, Envelope


@hookimpl
def plugin_info():
    return {"name": "portfolio", "title": "Portfolio prioritisation",
            "description": "Scoring criteria and weights, a ranked portfolio, and the exact best selection "
                           "within budget and capacity",
            "maturity_level": 4, "domain": "portfolio", "depends": []}


@hookimpl
def register_aggregates():
    return [Criterion, Appraisal, Envelope]


@hookimpl
def register_projections():
    return [projections.projection]


@hookimpl
def register_services(pmo):
    return {"portfolio": services}


@hookimpl
def register_blueprints():
    return [views.bp, api.api, scenario_api.api]


@hookimpl
def nav_links(user, as_of):
    return [("Prioritisation", "/portfolio/ranking")] if can_read(user) else []


@hookimpl
def dashboard_widgets(pmo, as_of):
    top = queries.ranking(pmo, as_of)[:5]
    items = Markup("").join(Markup("<li>{} {} <strong>{:.2f}</strong></li>").format(r["code"], r["name"], r["weighted"])
                            for r in top)
    body = Markup("<ol>{}</ol>").format(items) if top else Markup('<p class="empty">No projects ranked yet.</p>')
    path = kit.href("/portfolio/ranking") if has_request_context() else "/portfolio/ranking"
    link = Markup('<p><a href="{}">The whole ranking and the selection</a></p>').format(path)
    return [{"title": "Top of the portfolio", "html": body + link}, _rollup_widget(pmo, as_of)]


def _rollup_widget(pmo, as_of):
    """Open projects by programme: RAG counts and slipping milestones (the roll-up page's table)."""
    today = kit.today() if has_request_context() else None
    data = rollup.rollup(pmo, as_of, today)
    rows = Markup("").join(Markup(
        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
        r["code"] or r["name"], r["projects"], r["rag"]["red"], r["rag"]["amber"], r["rag"]["green"], r["slipping"])
        for r in data["programmes"])
    table = Markup('<table class="compact" id="portfolio-rollup-widget"><caption>Open projects by programme</caption>'
                   '<thead><tr><th scope="col">Programme</th><th scope="col">Open</th><th scope="col">Red</th>'
                   '<th scope="col">Amber</th><th scope="col">Green</th><th scope="col">Slipping milestones</th></tr>'
                   '</thead><tbody>{}</tbody></table>').format(rows) if data["programmes"] else \
        Markup('<p class="empty">No open projects.</p>')
    path = kit.href("/portfolio/rollup") if has_request_context() else "/portfolio/rollup"
    return {"title": "Portfolio roll-up", "html": table + Markup('<p><a href="{}">The whole roll-up</a></p>').format(path)}


@hookimpl
def register_commands(cli):
    cli.add_command(portfolio_cli.portfolio)


@hookimpl
def demo_data(pmo, today):
    demo.load(pmo, today)
