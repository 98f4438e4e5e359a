"""JSON API: /api/objectives and /api/benefits (flask-smorest, so it is in the OpenAPI document).

Thin: parse with a schema, check who may, call one service inside ``command(reason)``, answer
the read model with its version as ETag. Every read takes ``as_of``: a measurement recorded
after that moment is in none of the answers.
"""
from __future__ import annotations

import uuid
from typing import Callable

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from core.domain.errors import ValidationError
from core import queries as core_queries
from core.permissions import can_edit_portfolio
from plugins import kit
from plugins.benefits import queries, services
from plugins.benefits import schemas as s

api = Blueprint("benefits_api", __name__, url_prefix="/api",
                description="Benefits realisation: strategic objectives, benefits, measurements, the benefit map.")
api.after_request(kit.as_of_header)

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Your role, or your relation to the enabling projects, does not allow this",
    404: "No such benefit or objective (as of the given moment)",
    409: "Conflict: it changed since your If-Match version (see current_version), or the reference is taken",
    422: "Invalid input: `errors` names each bad field",
}
reads, writes = kit.api_docs(api, ERRORS, queries.may_write)


def _benefit(benefit_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_benefit(kit.pmo(), benefit_id, at, kit.read_day())
    if row is None:
        abort(404, f"no benefit {benefit_id}" + (" at that moment" if at is not None else ""))
    return row


def _objective(objective_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_objective(kit.pmo(), objective_id, at)
    if row is None:
        abort(404, f"no objective {objective_id}" + (" at that moment" if at is not None else ""))
    return row


def _rights(benefit: dict | None, body: dict) -> None:
    """Over the benefit (the manager of any of its projects, pmo, admin) and, for a manager,
    over every project the body links: they link only the projects they manage."""
    named = [e["project_id"] for e in body.get("enablers") or []]
    for pid in named:
        if core_queries.get_project(kit.pmo(), pid) is None:
            raise ValidationError("no such project", "enablers")
    unit, user = kit.pmo(), kit.user()
    if benefit is not None:
        kit.allow(queries.may_edit(unit, user, benefit), "changes to this benefit")
    if can_edit_portfolio(user):
        return
    kit.allow(benefit is not None or bool(named), "benefits of no project")
    for pid in named:
        kit.allow(queries.may_edit(unit, user, project_ids=[pid]), "links to a project you do not manage")


def _change(benefit_id: uuid.UUID, body: dict, service: Callable) -> tuple:
    _rights(_benefit(benefit_id), body)
    return kit.versioned_write(service, body, queries.get_benefit, benefit_id)


# --- objectives -------------------------------------------------------------------------------

@api.route("/objectives")
class Objectives(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.ObjectiveSchema(many=True))
    def get(self, args):
        """List the strategic objectives."""
        return queries.list_objectives(kit.pmo(), kit.read_at(args.pop("as_of", None)))

    @writes(can_edit_portfolio)
    @api.arguments(s.ObjectiveCreateSchema)
    @api.response(201, s.ObjectiveSchema, headers=kit.LOCATION)
    def post(self, body):
        """Define a strategic objective (pmo, admin)."""
        with kit.command(kit.why(body)) as pmo:
            objective = services.define_objective(pmo, **body)
        row = queries.get_objective(pmo, objective.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/objectives/{objective.id}"}


@api.route("/objectives/<uuid:objective_id>")
class ObjectiveItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.ObjectiveSchema, headers=kit.ETAG)
    def get(self, args, objective_id):
        """Show an objective."""
        row = _objective(objective_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(can_edit_portfolio, item=True, if_match=True)
    @api.arguments(s.ObjectiveUpdateSchema)
    @api.response(200, s.ObjectiveSchema, headers=kit.ETAG)
    def patch(self, body, objective_id):
        """Change an objective (pmo, admin)."""
        _objective(objective_id)
        return kit.versioned_write(services.update_objective, body, queries.get_objective, objective_id)


# --- benefits ---------------------------------------------------------------------------------

@api.route("/benefits")
class Benefits(MethodView):
    @reads()
    @api.arguments(s.BenefitQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.BenefitSchema(many=True))
    def get(self, filters):
        """List benefits (also those not measured yet) with their computed state."""
        at = kit.read_at(filters.pop("as_of", None))
        return queries.list_benefits(kit.pmo(), at, kit.read_day(), **filters)

    @writes()
    @api.arguments(s.BenefitCreateSchema)
    @api.response(201, s.BenefitSchema, headers=kit.LOCATION)
    def post(self, body):
        """Register a benefit with its measure, objectives and enabling projects."""
        _rights(None, body)
        with kit.command(kit.why(body)) as pmo:
            benefit = services.register_benefit(pmo, **body)
        row = queries.get_benefit(pmo, benefit.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/benefits/{benefit.id}"}


@api.route("/benefits/map")
class Map(MethodView):
    @reads()
    @api.arguments(s.BenefitMapQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.BenefitMapSchema)
    def get(self, args):
        """The benefit map: objectives -> benefits -> enabling projects, with every link."""
        at = kit.read_at(args.pop("as_of", None))
        data = queries.benefit_map(kit.pmo(), at, kit.read_day(), programme_id=args.get("programme_id"))
        data["edges"] = [{"kind": k, "source": a, "target": b} for k, a, b in data["edges"]]
        return data


@api.route("/benefits/overview")
class Overview(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.BenefitOverviewGroupSchema(many=True))
    def get(self, args):
        """Per objective: every benefit (measured or not) and realised vs planned totals per unit."""
        return queries.overview(kit.pmo(), kit.read_at(args.pop("as_of", None)), kit.read_day())


@api.route("/benefits/<uuid:benefit_id>")
class BenefitItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.BenefitSchema, headers=kit.ETAG)
    def get(self, args, benefit_id):
        """Show a benefit with its state by the at-risk rule."""
        row = _benefit(benefit_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(s.BenefitUpdateSchema)
    @api.response(200, s.BenefitSchema, headers=kit.ETAG)
    def patch(self, body, benefit_id):
        """Change an open benefit's description, measure or links."""
        return _change(benefit_id, body, services.update_benefit)


@api.route("/benefits/<uuid:benefit_id>/measurements")
class Measurements(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.BenefitMeasurementSchema(many=True))
    def get(self, args, benefit_id):
        """The measurements recorded by the moment, by date, each with the plan on its date."""
        at = kit.read_at(args.pop("as_of", None))
        return queries.benefit_measurements(kit.pmo(), _benefit(benefit_id, at), at)

    @writes(item=True, if_match=True)
    @api.arguments(s.BenefitMeasurementCreateSchema)
    @api.response(201, s.BenefitSchema, headers=kit.ETAG)
    def post(self, body, benefit_id):
        """Record a measurement (also after the enabling projects closed)."""
        return _change(benefit_id, body, services.measure_benefit)


@api.route("/benefits/<uuid:benefit_id>/hand-over")
class HandOver(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.BenefitHandOverSchema)
    @api.response(200, s.BenefitSchema, headers=kit.ETAG)
    def post(self, body, benefit_id):
        """Name who measures the benefit from now on."""
        return _change(benefit_id, body, services.hand_over_benefit)


@api.route("/benefits/<uuid:benefit_id>/close")
class Close(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.BenefitCloseSchema)
    @api.response(200, s.BenefitSchema, headers=kit.ETAG)
    def post(self, body, benefit_id):
        """Close a benefit, saying how it turned out."""
        return _change(benefit_id, body, services.close_benefit)


