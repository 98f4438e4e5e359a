"""JSON API under /api/budgets (flask-smorest, so it is in the OpenAPI document).

GET  /api/budgets                 every project's budget, spending and cost rating (as_of)
GET  /api/budgets/<project_id>          one project's (as_of); its ETag is the budget's version
PUT  /api/budgets/<project_id>          set or revise the budget (If-Match: the version read)
GET  /api/budgets/<project_id>/costs    the costs recorded against it, newest first (as_of)
POST /api/budgets/<project_id>/costs    record a cost
"""
from __future__ import annotations

import uuid

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from core import queries as core_queries
from core.permissions import can_edit_project
from plugins import kit
from pmo_budget import queries, services
from pmo_budget.domain import DESCRIPTION_MAX, MAX_AMOUNT

api = Blueprint("budget_api", __name__, url_prefix="/api/budgets",
                description="Budget vs actuals per project (the pmo-budget example plugin).")
api.after_request(kit.as_of_header)

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Your role, or your relation to the project, does not allow this",
    404: "No such project (as of the given moment)",
    409: "Conflict: the budget changed since your If-Match version (see current_version)",
    422: "Invalid input: `errors` names each bad field",
}
reads, writes = kit.api_docs(api, ERRORS, lambda user: can_edit_project(user, None))
AMOUNT = validate.Range(-MAX_AMOUNT, MAX_AMOUNT)


class BudgetSchema(Schema):
    """A project's budget and spending; ``amount`` is null until a budget is set."""

    project_id = fields.UUID()
    code = fields.String()
    name = fields.String()
    manager = fields.String()
    stage = fields.String()
    version = fields.Integer(metadata={"description": "the budget's version (0: none set yet), also the ETag"})
    amount = fields.Integer(allow_none=True)
    currency = fields.String(allow_none=True)
    actual = fields.Integer()
    remaining = fields.Integer(allow_none=True)
    spent_pct = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "no budget, within, watch (90% used) or over"})
    cost_rag = fields.String(allow_none=True, metadata={"description": "cost rating of the last published report"})
    cost_reported_on = fields.Date(allow_none=True)


class BudgetSetSchema(kit.WriteSchema):
    """Set or revise a project's budget."""

    amount = fields.Integer(required=True, strict=True, validate=validate.Range(0, MAX_AMOUNT))
    currency = fields.String(load_default="EUR", validate=validate.Regexp(r"^[A-Z]{3}$"))


class CostSchema(Schema):
    """A cost recorded against a project's budget."""

    position = fields.Integer(metadata={"description": "its position in the ledger"})
    amount = fields.Integer()
    incurred_on = fields.Date()
    description = fields.String()
    recorded_at = kit.Timestamp()
    recorded_by = fields.String()


class CostCreateSchema(kit.WriteSchema):
    """Record a cost (negative: a credit)."""

    amount = fields.Integer(required=True, strict=True, validate=AMOUNT)
    incurred_on = fields.Date(required=True)
    description = fields.String(required=True, validate=validate.Length(1, DESCRIPTION_MAX))


def _row(project_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_budget(kit.pmo(), project_id, at)
    if row is None:
        abort(404, f"no project {project_id}" + (" at that moment" if at is not None else ""))
    return row


def _may_edit(row: dict) -> None:
    project = core_queries.get_project(kit.pmo(), row["project_id"])
    kit.allow(can_edit_project(kit.user(), project), f"changes to the budget of {row['code']}")


@api.route("")
class Budgets(MethodView):
    @reads()
    @api.arguments(kit.AsOfQuery, location="query")
    @api.response(200, BudgetSchema(many=True))
    def get(self, args):
        """List every project's budget, spending and last cost rating."""
        return queries.list_budgets(kit.pmo(), kit.read_at(args.get("as_of")))


@api.route("/<uuid:project_id>")
class ProjectBudget(MethodView):
    @reads(item=True)
    @api.arguments(kit.AsOfQuery, location="query")
    @api.response(200, BudgetSchema, headers=kit.ETAG)
    def get(self, args, project_id: uuid.UUID):
        """Show a project's budget and spending."""
        row = _row(project_id, kit.read_at(args.get("as_of")))
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(BudgetSetSchema)
    @api.response(200, BudgetSchema, headers=kit.ETAG)
    def put(self, body, project_id: uuid.UUID):
        """Set the project's budget, or revise it."""
        row = _row(project_id)
        _may_edit(row)
        expected = kit.expected_version()
        with kit.command(kit.why(body)) as pmo:
            services.set_budget(pmo, row["project_id"], body["amount"], body["currency"], expected)
        row = _row(project_id)
        return row, kit.etag(row)


@api.route("/<uuid:project_id>/costs")
class Costs(MethodView):
    @reads(item=True)
    @api.arguments(kit.AsOfQuery, location="query")
    @api.response(200, CostSchema(many=True))
    def get(self, args, project_id: uuid.UUID):
        """List the costs recorded against a project, newest first."""
        at = kit.read_at(args.get("as_of"))
        return queries.list_costs(kit.pmo(), _row(project_id, at)["project_id"], at)

    @writes(item=True)
    @api.arguments(CostCreateSchema)
    @api.response(201, BudgetSchema, headers=kit.ETAG)
    def post(self, body, project_id: uuid.UUID):
        """Record a cost against the project's budget; answers the budget as it is now."""
        row = _row(project_id)
        _may_edit(row)
        with kit.command(kit.why(body)) as pmo:
            services.record_cost(pmo, row["project_id"], body["amount"], body["incurred_on"], body["description"])
        row = _row(project_id)
        return row, 201, kit.etag(row)
