"""Pages under /budget: the register, a project's budget and costs, and the two forms.

Thin: read the request, call one query or one service (inside ``kit.form_page``), render.
Read pages honour ``?as_of=`` through ``kit.at()``; forms always change the ledger as it is now.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, render_template, url_for
from wtforms import DateField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from core import queries as core_queries
from core.permissions import can_edit_project, can_read
from plugins import kit
from pmo_budget import queries, services
from pmo_budget.domain import DESCRIPTION_MAX, MAX_AMOUNT

bp = Blueprint("budget", __name__, url_prefix="/budget", template_folder="templates")


class BudgetForm(kit.Form):
    version = HiddenField()
    amount = IntegerField("Budget", validators=[InputRequired(), NumberRange(0, MAX_AMOUNT)],
                          description="Whole currency units.", render_kw={"inputmode": "numeric"})
    currency = StringField("Currency", default="EUR", validators=[DataRequired(), Length(3, 3)],
                           description="Three capital letters, e.g. EUR.")


class CostForm(kit.Form):
    amount = IntegerField("Amount", validators=[InputRequired(), NumberRange(-MAX_AMOUNT, MAX_AMOUNT)],
                          description="Whole currency units; a credit is negative.", render_kw={"inputmode": "numeric"})
    incurred_on = DateField("Incurred on", validators=[InputRequired()])
    description = StringField("What for", validators=[DataRequired(), Length(max=DESCRIPTION_MAX)])


def _row(project_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_budget(kit.pmo(), project_id, at)
    if row is None:
        abort(404, "There is no such project in the budget register" + (" at that moment." if at else "."))
    return row


def _editable(project_id: uuid.UUID) -> tuple[dict, dict]:
    """The budget row and the core's project row; 403 unless the user may edit the project."""
    row = _row(project_id)
    project = core_queries.get_project(kit.pmo(), row["project_id"])
    kit.allow(can_edit_project(kit.user(), project), "changes to this project's budget")
    return row, project


@bp.route("/")
@kit.require(can_read)
def index():
    unit, at = kit.pmo(), kit.at()
    rows = queries.list_budgets(unit, at)
    return render_template("budget/index.html", rows=rows, totals=queries.totals(rows), editing=kit.moment() is None)


@bp.route("/<uuid:project_id>")
@kit.require(can_read)
def show(project_id: uuid.UUID):
    row = _row(project_id, kit.at())
    project = core_queries.get_project(kit.pmo(), row["project_id"])
    may_edit = kit.moment() is None and can_edit_project(kit.user(), project)
    return render_template("budget/show.html", row=row, costs=queries.list_costs(kit.pmo(), row["project_id"], kit.at()),
                           may_edit=may_edit)


@bp.route("/<uuid:project_id>/set", methods=["GET", "POST"])
@kit.require(can_read)
def set_budget(project_id: uuid.UUID):
    row, project = _editable(project_id)
    form = BudgetForm(data={"amount": row["amount"], "currency": row["currency"] or "EUR",
                            "version": row["version"]} if row["amount"] is not None else None)
    return kit.form_page(
        form, lambda u: services.set_budget(u, row["project_id"], form.amount.data, form.currency.data.strip().upper(),
                                            form.expected_version()),
        lambda b: url_for(".show", project_id=row["project_id"]), "Budget saved.",
        title=f"Budget of {row['code']} · {row['name']}", submit="Save budget", cancel=url_for(".show", project_id=row["project_id"]),
    )


@bp.route("/<uuid:project_id>/costs/new", methods=["GET", "POST"])
@kit.require(can_read)
def record_cost(project_id: uuid.UUID):
    row, project = _editable(project_id)
    # No version check: two costs recorded at once do not contradict each other.
    form = CostForm(data={"incurred_on": kit.today()})
    return kit.form_page(
        form, lambda u: services.record_cost(u, row["project_id"], form.amount.data, form.incurred_on.data,
                                             form.description.data),
        lambda b: url_for(".show", project_id=row["project_id"]), "Cost recorded.",
        title=f"Record a cost on {row['code']} · {row['name']}", submit="Record cost",
        cancel=url_for(".show", project_id=row["project_id"]),
    )
