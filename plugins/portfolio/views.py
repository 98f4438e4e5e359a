"""Pages under /portfolio/...: the ranking, the selection, why the ranking changed, the
criteria, and the forms that score and estimate projects and set the envelope.

Thin views: read the request, call one query or one service (inside ``kit.form_page``),
render. Reads honour ``?as_of=``; forms change the ledger as it is now (pmo, admin).
"""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from core import queries as core_queries
from core.asof import parse_as_of, position_at
from core.domain.errors import ValidationError
from core.permissions import can_edit_portfolio, can_read
from plugins import kit
from plugins.portfolio import charts, exports, forms, history, queries, roadmap, roadmap_charts, rollup, services

bp = Blueprint("prioritisation", __name__, url_prefix="/portfolio", template_folder="templates", static_folder="static",
               static_url_path="/static")


def _editing() -> bool:
    return kit.moment() is None and can_edit_portfolio(kit.user())


@bp.route("/ranking")
@kit.require(can_read)
def ranking():
    """The projects by weighted score, each score with its rationale."""
    at = kit.at()
    rows = queries.ranking(kit.pmo(), at)
    crits = queries.list_criteria(kit.pmo(), at)
    fmt = kit.export_format()
    if fmt:
        return kit.download(exports.ranking_table(rows, crits), fmt, "portfolio-ranking")
    return render_template("prioritisation/ranking.html", rows=rows, criteria=crits, editable=_editing(),
                           chart=charts.ranking("ranking-chart", rows))


@bp.route("/selection")
@kit.require(can_read)
def selection():
    """The best set of projects within the budget and capacities (``?budget=`` tries another)."""
    raw, error, budget = (request.args.get("budget") or "").strip(), None, None
    if raw:
        try:
            budget = float(raw)
            if not 0 <= budget <= 1e12:
                raise ValueError
        except ValueError:
            error, budget = "The budget must be a number from 0 to 10^12.", None
    result = queries.choose(kit.pmo(), kit.at(), budget)
    fmt = kit.export_format()
    if fmt and not error:
        return kit.download(exports.selection_table(result), fmt, "portfolio-selection")
    return render_template("prioritisation/selection.html", r=result, budget_arg=raw, error=error,
                           editable=_editing()), 422 if error else 200


@bp.route("/changes")
@kit.require(can_read)
def changes():
    """Why the ranking changed between ``?since=`` and the page's moment."""
    raw, error, result = (request.args.get("since") or "").strip(), None, None
    if raw:
        try:
            result = history.ranking_changes(kit.pmo(), position_at(kit.pmo(), parse_as_of(raw)), kit.at())
        except (ValidationError, OverflowError) as problem:
            error = getattr(problem, "message", "since is out of range")
    return render_template("prioritisation/changes.html", since=raw, error=error, c=result), 422 if error else 200


@bp.route("/criteria/")
@kit.require(can_read)
def criteria():
    return render_template("prioritisation/criteria.html", rows=queries.list_criteria(kit.pmo(), kit.at()),
                           editable=_editing())


@bp.route("/criteria/new", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def new_criterion():
    form = forms.CriterionForm()
    form.objective_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(o["id"]), f"{o['ref']} · {o['title']}") for o in queries.list_objectives(kit.pmo())]

    def action(unit):
        objective = queries.as_uuid(form.objective_id.data) if form.objective_id.data else None
        if form.objective_id.data and objective is None:
            raise ValidationError("no such objective", "objective_id")
        return services.define_criterion(unit, **form.values("objective_id"), objective_id=objective)

    return kit.form_page(form, action, lambda _: url_for(".criteria"), "Criterion defined.",
                         title="Define a scoring criterion", cancel=url_for(".criteria"), submit="Define criterion")


@bp.route("/criteria/<uuid:criterion_id>/edit", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def edit_criterion(criterion_id: uuid.UUID):
    row = queries.get_criterion(kit.pmo(), criterion_id)
    if row is None:
        abort(404, "There is no such criterion.")
    form = forms.CriterionEditForm(data=row) if request.method == "GET" else forms.CriterionEditForm()
    return kit.form_page(form, lambda u: services.change_criterion(u, criterion_id, form.expected_version(),
                                                                   **form.values()),
                         lambda _: url_for(".criteria"), "Criterion changed.", title=f"Change criterion {row['ref']}",
                         cancel=url_for(".criteria"), submit="Save criterion")


def _project(project_id: uuid.UUID) -> dict:
    project = core_queries.get_project(kit.pmo(), project_id)
    if project is None:
        abort(404, "There is no such project.")
    return project


@bp.route("/projects/<uuid:project_id>/score", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def score(project_id: uuid.UUID):
    project = _project(project_id)
    form = forms.ScoreForm()
    form.criterion_id.choices = [SelectChoice(str(c["id"]), f"{c['ref']} · {c['name']} (weight {c['weight']:g})")
                                 for c in queries.list_criteria(kit.pmo())]

    def action(unit):
        criterion = queries.as_uuid(form.criterion_id.data)
        if criterion is None:
            raise ValidationError("choose a criterion", "criterion_id")
        return services.score_project(unit, project["id"], [{"criterion_id": criterion, "score": form.score.data,
                                                             "rationale": form.rationale.data}])

    return kit.form_page(form, action, lambda _: url_for(".ranking"), "Score recorded.",
                         title=f"Score {project['code']} {project['name']}", cancel=url_for(".ranking"),
                         submit="Record score")


@bp.route("/projects/<uuid:project_id>/estimate", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def estimate(project_id: uuid.UUID):
    project = _project(project_id)
    row = next((r for r in queries.ranking(kit.pmo(), include_ended=True) if r["project_id"] == project["id"]), {})
    form = forms.EstimateForm(data={**row, "demands": forms.show_loads(row.get("demands"))}) \
        if request.method == "GET" else forms.EstimateForm()
    return kit.form_page(form, lambda u: services.estimate_project(u, project["id"], form.cost.data, form.must_do.data,
                                                                   form.demands.loads),
                         lambda _: url_for(".selection"), "Estimate recorded.",
                         title=f"Estimate {project['code']} {project['name']}", cancel=url_for(".ranking"),
                         submit="Record estimate")


@bp.route("/envelope", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def envelope():
    current = queries.get_envelope(kit.pmo()) or {}
    form = forms.EnvelopeForm(data={**current, "capacities": forms.show_loads(current.get("capacities"))}) \
        if request.method == "GET" else forms.EnvelopeForm()
    return kit.form_page(form, lambda u: services.set_envelope(u, form.budget.data, form.capacities.loads),
                         lambda _: url_for(".selection"), "Budget and capacities set.",
                         title="Budget and capacities", cancel=url_for(".selection"), submit="Set envelope")


def _project_link(code: str) -> str:
    return kit.href(f"/projects/{code}")


@bp.route("/roadmap")
@kit.require(can_read)
def roadmap_page():
    """The Gantt by programme and the value/risk bubbles, as of the page's moment."""
    at, today = kit.at(), kit.today()
    plan, points = roadmap.roadmap(kit.pmo(), at), roadmap.bubbles(kit.pmo(), at)
    return render_template("prioritisation/roadmap.html", plan=plan, points=points, today=today,
                           gantt=roadmap_charts.gantt("roadmap-chart", plan, today, _project_link),
                           bubbles=roadmap_charts.bubble("bubble-chart", points, _project_link))


@bp.route("/rollup")
@kit.require(can_read)
def rollup_page():
    """Open projects by programme: RAG, slipping milestones, budget (``?format=csv|xlsx``)."""
    data = rollup.rollup(kit.pmo(), kit.at(), kit.today())
    fmt = kit.export_format()
    if fmt:
        return kit.download(exports.rollup_table(data), fmt, "portfolio-rollup")
    return render_template("prioritisation/rollup.html", r=data,
                           chart=charts.rag_by_programme("rollup-chart", data["programmes"]))
