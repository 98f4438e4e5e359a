"""JSON API under /api/portfolio/...: criteria, scores and estimates, the envelope, the ranking,
the selection and "why did the ranking change?" (flask-smorest, in the OpenAPI document).

Thin: parse with a schema, check who may (pmo and admin write; everyone signed in reads),
call one service inside ``command(reason)``, answer the read model. Reads take ``as_of``.
"""
from __future__ import annotations

import uuid

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from core import queries as core_queries
from core.asof import position_at
from core.permissions import can_edit_portfolio
from plugins import kit
from plugins.portfolio import history, queries, roadmap, rollup, services
from plugins.portfolio import schemas as s

api = Blueprint("prioritisation_api", __name__, url_prefix="/api/portfolio",
                description="Portfolio prioritisation: criteria and weights, scores, the ranking, the selection.")
api.after_request(kit.as_of_header)

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Only the pmo and admin roles score, estimate and set the envelope",
    404: "No such criterion or project (as of the given moment)",
    409: "Conflict: it changed since your If-Match version, or the reference is taken",
    422: "Invalid input: `errors` names each bad field",
}
reads, writes = kit.api_docs(api, ERRORS, can_edit_portfolio)


def _criterion(criterion_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_criterion(kit.pmo(), criterion_id, at)
    if row is None:
        abort(404, f"no criterion {criterion_id}" + (" at that moment" if at is not None else ""))
    return row


def _ranked(project_id: uuid.UUID) -> dict:
    if core_queries.get_project(kit.pmo(), project_id) is None:
        abort(404, f"no project {project_id}")
    return next(r for r in queries.ranking(kit.pmo(), include_ended=True) if r["project_id"] == project_id)


@api.route("/criteria")
class Criteria(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.CriterionSchema(many=True))
    def get(self, args):
        """List the scoring criteria and their weights."""
        return queries.list_criteria(kit.pmo(), kit.read_at(args.pop("as_of", None)))

    @writes()
    @api.arguments(s.CriterionCreateSchema)
    @api.response(201, s.CriterionSchema, headers=kit.LOCATION)
    def post(self, body):
        """Define a scoring criterion with its weight (pmo, admin)."""
        with kit.command(kit.why(body)) as pmo:
            criterion = services.define_criterion(pmo, **body)
        row = queries.get_criterion(pmo, criterion.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/portfolio/criteria/{criterion.id}"}


@api.route("/criteria/<uuid:criterion_id>")
class CriterionItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.CriterionSchema, headers=kit.ETAG)
    def get(self, args, criterion_id):
        """Show a criterion."""
        row = _criterion(criterion_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(s.CriterionUpdateSchema)
    @api.response(200, s.CriterionSchema, headers=kit.ETAG)
    def patch(self, body, criterion_id):
        """Rename a criterion or change its weight (pmo, admin); a weight change re-ranks."""
        _criterion(criterion_id)
        return kit.versioned_write(services.change_criterion, body, queries.get_criterion, criterion_id)


@api.route("/projects/<uuid:project_id>/scores")
class Scores(MethodView):
    @writes(item=True)
    @api.arguments(s.PortfolioScoresSchema)
    @api.response(200, s.PortfolioRankedSchema)
    def post(self, body, project_id):
        """Score a project on criteria (0-5, 5 best), each with its rationale (pmo, admin)."""
        _ranked(project_id)
        with kit.command(kit.why(body)) as pmo:
            services.score_project(pmo, project_id, body["scores"])
        return _ranked(project_id)


@api.route("/projects/<uuid:project_id>/estimate")
class Estimate(MethodView):
    @writes(item=True)
    @api.arguments(s.PortfolioEstimateSchema)
    @api.response(200, s.PortfolioRankedSchema)
    def put(self, body, project_id):
        """Record a project's cost, must-do and demands per role and period (pmo, admin)."""
        _ranked(project_id)
        with kit.command(kit.why(body)) as pmo:
            services.estimate_project(pmo, project_id, **body)
        return _ranked(project_id)


@api.route("/envelope")
class EnvelopeItem(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.PortfolioEnvelopeSchema)
    def get(self, args):
        """The budget and the capacity per role and period (empty when not set)."""
        return queries.get_envelope(kit.pmo(), kit.read_at(args.pop("as_of", None))) or {"capacities": []}

    @writes()
    @api.arguments(s.PortfolioEnvelopeInSchema)
    @api.response(200, s.PortfolioEnvelopeSchema)
    def put(self, body):
        """Set the budget and the capacities (pmo, admin)."""
        with kit.command(kit.why(body)) as pmo:
            services.set_envelope(pmo, **body)
        return queries.get_envelope(pmo)


@api.route("/ranking")
class Ranking(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.PortfolioRankedSchema(many=True))
    def get(self, args):
        """The projects by weighted score, best first, with every score and its rationale."""
        return queries.ranking(kit.pmo(), kit.read_at(args.pop("as_of", None)))


@api.route("/ranking/changes")
class RankingChanges(MethodView):
    @reads()
    @api.arguments(s.PortfolioChangesQuery, location="query", unknown=RAISE)
    @api.response(200, s.PortfolioChangesSchema)
    def get(self, args):
        """Why the ranking changed from ``since`` to ``as_of`` (default now): moves, weights, scores."""
        after = kit.read_at(args.pop("as_of", None))
        since = args.get("since")
        return history.ranking_changes(kit.pmo(), position_at(kit.pmo(), since) if since else 0, after)


@api.route("/selection")
class Selection(MethodView):
    @reads()
    @api.arguments(s.PortfolioSelectionQuery, location="query", unknown=RAISE)
    @api.response(200, s.PortfolioSelectionSchema)
    def get(self, args):
        """The exact best set of costed projects within the budget and capacities, must-dos in."""
        return queries.choose(kit.pmo(), kit.read_at(args.pop("as_of", None)), args.get("budget"))


@api.route("/roadmap")
class Roadmap(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.RoadmapSchema)
    def get(self, args):
        """Projects by programme, their bars (start to end or forecast) and milestones, as of ``as_of``."""
        return roadmap.roadmap(kit.pmo(), kit.read_at(args.pop("as_of", None)))


@api.route("/bubbles")
class Bubbles(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.BubblesSchema)
    def get(self, args):
        """Each open project's value (weighted score) against its risk, with its cost, as of ``as_of``."""
        return roadmap.bubbles(kit.pmo(), kit.read_at(args.pop("as_of", None)))


@api.route("/rollup")
class Rollup(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.RollupSchema)
    def get(self, args):
        """Open projects by programme: RAG counts, slipping milestones and estimated budget, as of ``as_of``."""
        at = kit.read_at(args.pop("as_of", None))
        return rollup.rollup(kit.pmo(), at, kit.read_day())
