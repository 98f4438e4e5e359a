"""JSON API of scenarios under /api/portfolio/scenarios (flask-smorest, in the OpenAPI
document). Scenario writes go to the scenario store, never to the live ledger, except
``commit``, which writes the scenario's decisions to it. Writes take If-Match (the scenario's
version, its ETag): a stale one is a 409 and nothing is written.
"""
from __future__ import annotations

import uuid

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint

from core.domain.errors import NotFoundError
from core.permissions import can_edit_portfolio
from plugins import kit
from plugins.portfolio import schemas as s
from plugins.portfolio.scenarios import evaluate
from plugins.portfolio.scenarios import services as scenarios
from plugins.portfolio.scenarios.book import book

api = Blueprint("portfolio_scenarios_api", __name__, url_prefix="/api/portfolio/scenarios",
                description="Portfolio scenarios: what-if branches kept apart from the live ledger; commit writes "
                            "their decisions to it.")

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Only the pmo and admin roles make and commit scenarios",
    404: "No such scenario",
    409: "Conflict: the scenario changed since your If-Match version",
    422: "Invalid input, or the scenario is committed or discarded: `errors` names each bad field",
}
reads, writes = kit.api_docs(api, ERRORS, can_edit_portfolio)


def _row(scenario_id: uuid.UUID) -> dict:
    try:
        return scenarios.as_row(book(kit.pmo()).scenario(scenario_id))
    except NotFoundError:
        abort(404, f"no scenario {scenario_id}")


def _act(scenario_id: uuid.UUID, body: dict, service) -> tuple[dict, dict]:
    """Every scenario write: 404 first; the answer is the scenario as it now stands."""
    _row(scenario_id)
    return kit.versioned_write(service, body, lambda _, key: _row(key), scenario_id)


@api.route("")
class Scenarios(MethodView):
    @reads()
    @api.response(200, s.ScenarioSchema(many=True))
    def get(self):
        """Every scenario, newest first (open, committed and discarded)."""
        return [scenarios.as_row(x) for x in book(kit.pmo()).all()]

    @writes()
    @api.arguments(s.ScenarioCreateSchema)
    @api.response(201, s.ScenarioSchema, headers=kit.LOCATION)
    def post(self, body):
        """Branch a scenario from the live portfolio as it is now (pmo, admin)."""
        with kit.command(kit.why(body)) as pmo:
            scenario = scenarios.branch_scenario(pmo, body["name"], body.get("description", ""))
        row = scenarios.as_row(scenario)
        return row, 201, {**kit.etag(row), "Location": f"/api/portfolio/scenarios/{scenario.id}"}


@api.route("/<uuid:scenario_id>")
class ScenarioItem(MethodView):
    @reads(item=True)
    @api.response(200, s.ScenarioSchema, headers=kit.ETAG)
    def get(self, scenario_id):
        """A scenario and its changes."""
        row = _row(scenario_id)
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(s.ScenarioUpdateSchema)
    @api.response(200, s.ScenarioSchema, headers=kit.ETAG)
    def patch(self, body, scenario_id):
        """Rename or describe a scenario (pmo, admin)."""
        return _act(scenario_id, body, scenarios.rename_scenario)


@api.route("/<uuid:scenario_id>/comparison")
class Comparison(MethodView):
    @reads(item=True)
    @api.response(200, s.ScenarioComparisonSchema)
    def get(self, scenario_id):
        """The scenario applied to the live portfolio of now, beside it; and what changed live since the branch."""
        _row(scenario_id)
        scenario = book(kit.pmo()).scenario(scenario_id)
        return {**evaluate.compare(kit.pmo(), scenario), "since_branch": evaluate.since_branch(kit.pmo(), scenario)}


@api.route("/<uuid:scenario_id>/changes")
class Changes(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ScenarioChangeInSchema)
    @api.response(200, s.ScenarioSchema, headers=kit.ETAG)
    def post(self, body, scenario_id):
        """Record a hypothetical change: drop, shift, cost, must_do, budget or capacity (pmo, admin)."""
        return _act(scenario_id, body, scenarios.change_scenario)


@api.route("/<uuid:scenario_id>/withdraw")
class Withdraw(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ScenarioWithdrawSchema)
    @api.response(200, s.ScenarioSchema, headers=kit.ETAG)
    def post(self, body, scenario_id):
        """Withdraw one change of the scenario, by its key (pmo, admin)."""
        return _act(scenario_id, body, scenarios.withdraw_change)


@api.route("/<uuid:scenario_id>/discard")
class Discard(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ScenarioActSchema)
    @api.response(200, s.ScenarioSchema, headers=kit.ETAG)
    def post(self, body, scenario_id):
        """Discard the scenario: it stays readable; the live ledger never heard of it (pmo, admin)."""
        return _act(scenario_id, body, scenarios.discard_scenario)


@api.route("/<uuid:scenario_id>/commit")
class Commit(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ScenarioActSchema)
    @api.response(200, s.ScenarioSchema, headers=kit.ETAG)
    def post(self, body, scenario_id):
        """Write the scenario's decisions to the live ledger as your own events, in one transaction (pmo, admin)."""
        return _act(scenario_id, body, scenarios.commit_scenario)
