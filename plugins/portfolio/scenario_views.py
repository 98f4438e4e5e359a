"""Pages of scenarios under /portfolio/scenarios/: the list, a new scenario, one scenario
(its changes, the comparison with the live portfolio, what changed live since the branch),
a form per kind of change, withdraw, discard and commit.

A scenario is always evaluated on the live portfolio as it is now, so its pages ignore
``as_of``. Reading is for everyone signed in; changing is portfolio work (pmo, admin).
"""
from __future__ import annotations

import uuid

from flask import abort, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from core import queries as core_queries
from core.domain.errors import NotFoundError, ValidationError
from core.permissions import can_edit_portfolio, can_read
from plugins import kit
from plugins.portfolio import charts, forms
from plugins.portfolio.queries import ENDED, as_uuid
from plugins.portfolio.scenarios import evaluate
from plugins.portfolio.scenarios import services as scenarios
from plugins.portfolio.scenarios.book import book
from plugins.portfolio.views import bp

KIND_PATH = "<any(drop, shift, cost, must_do, budget, capacity):kind>"


def _scenario(scenario_id: uuid.UUID):
    try:
        return book(kit.pmo()).scenario(scenario_id)
    except NotFoundError:
        abort(404, "There is no such scenario.")


@bp.route("/scenarios/")
@kit.require(can_read)
def scenario_list():
    """Every scenario, newest first."""
    rows = [scenarios.as_row(s) for s in book(kit.pmo()).all()]
    return render_template("prioritisation/scenarios.html", rows=rows, editable=can_edit_portfolio(kit.user()))


@bp.route("/scenarios/new", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def new_scenario():
    form = forms.ScenarioForm()
    return kit.form_page(form, lambda u: scenarios.branch_scenario(u, form.name.data, form.description.data or ""),
                         lambda s: url_for(".scenario", scenario_id=s.id), "Scenario branched from the live portfolio.",
                         title="Branch a scenario", cancel=url_for(".scenario_list"), submit="Branch scenario",
                         lead="It starts from the live portfolio as it is now. Its changes stay in the scenario until "
                              "you commit it.")


@bp.route("/scenarios/<uuid:scenario_id>")
@kit.require(can_read)
def scenario(scenario_id: uuid.UUID):
    """A scenario beside the live portfolio, evaluated now."""
    found = _scenario(scenario_id)
    compared = evaluate.compare(kit.pmo(), found)
    row = scenarios.as_row(found)
    for change in row["changes"]:
        change["text"] = scenarios.describe(change)
    return render_template("prioritisation/scenario.html", s=row, c=compared,
                           since=evaluate.since_branch(kit.pmo(), found),
                           editable=can_edit_portfolio(kit.user()) and found.is_open,
                           kinds=forms.CHANGE_FORMS, chart=charts.compare_months("compare-chart", compared["months"]))


def _project_choices(form) -> None:
    form.project_id.choices = [SelectChoice(str(p["id"]), f"{p['code']} · {p['name']} ({p['stage']})")
                               for p in core_queries.list_projects(kit.pmo()) if p["stage"] not in ENDED]


@bp.route(f"/scenarios/<uuid:scenario_id>/change/{KIND_PATH}", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def change_scenario(scenario_id: uuid.UUID, kind: str):
    found = _scenario(scenario_id)
    cls, title = forms.CHANGE_FORMS[kind]
    form = cls(data={"version": str(found.version)}) if request.method == "GET" else cls()
    if hasattr(form, "project_id"):
        _project_choices(form)

    def action(unit):
        values = form.values()
        if "project_id" in values:
            pid = as_uuid(values["project_id"])
            if pid is None:
                raise ValidationError("choose a project", "project_id")
            values["project_id"] = pid
        if "must_do" in values:
            values["must_do"] = values["must_do"] == "yes"
        if "amount" in values or "role" in values:
            values = {**values, "role": (values.get("role") or "").strip(), "period": (values.get("period") or "").strip()}
        return scenarios.change_scenario(unit, scenario_id, kind, form.expected_version(), **values)

    back = url_for(".scenario", scenario_id=scenario_id)
    return kit.form_page(form, action, lambda _: back, "Change recorded in the scenario (not in the live ledger).",
                         title=f"{title}: scenario {found.name}", cancel=back, submit="Record in scenario")


def _act(scenario_id: uuid.UUID, verb: str, run, message: str, lead: str):
    found = _scenario(scenario_id)
    form = forms.ScenarioActForm(data={"version": str(found.version)}) if request.method == "GET" \
        else forms.ScenarioActForm()
    back = url_for(".scenario", scenario_id=scenario_id)
    return kit.form_page(form, lambda u: run(u, form.expected_version()), lambda _: back, message,
                         title=f"{verb} scenario {found.name}", cancel=back, submit=f"{verb} scenario", lead=lead)


@bp.route("/scenarios/<uuid:scenario_id>/commit", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def commit_scenario(scenario_id: uuid.UUID):
    return _act(scenario_id, "Commit", lambda u, v: scenarios.commit_scenario(u, scenario_id, v),
                "Scenario committed: its decisions are in the live ledger.",
                "Its decisions are written to the live ledger as your own events, all at once: dropped projects are "
                "cancelled at their gate, shifted dates and milestones re-forecast, costs, must-dos, the budget and "
                "capacities set.")


@bp.route("/scenarios/<uuid:scenario_id>/discard", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def discard_scenario(scenario_id: uuid.UUID):
    return _act(scenario_id, "Discard", lambda u, v: scenarios.discard_scenario(u, scenario_id, v),
                "Scenario discarded; the live ledger is as it was.",
                "The scenario stays readable; nothing reaches the live ledger.")


@bp.route("/scenarios/<uuid:scenario_id>/changes/<key>/withdraw", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def withdraw_change(scenario_id: uuid.UUID, key: str):
    found = _scenario(scenario_id)
    change = found.changes.get(key)
    if change is None:
        abort(404, "The scenario has no such change.")
    return _act(scenario_id, "Withdraw from", lambda u, v: scenarios.withdraw_change(u, scenario_id, key, v),
                "Change withdrawn from the scenario.", f"Withdraw '{scenarios.describe(change)}'.")
