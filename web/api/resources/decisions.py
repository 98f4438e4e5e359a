"""/api/decisions: the decision log, for a project or for the whole PMO."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from core import queries
from core.domain.errors import ValidationError
from core.services import logs as service
from plugins import kit
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, created, found, may_edit, may_edit_item, project_ref,
    reads, reason, reply, resource_blueprint, writes,
)
from web.api.schemas import (
    DecisionCreateSchema, DecisionQueryArgsSchema, DecisionSchema, DecisionSupersedeSchema,
)
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("decisions", __name__, "The decision log: what was decided, why and by whom.")


def _decision(decision_id: uuid.UUID, at: int | None = None) -> dict:
    return found(queries.get_decision(current_pmo(), decision_id, at=at), "decision", decision_id)


@blp.route("/decisions")
class Decisions(MethodView):
    @reads(blp)
    @blp.arguments(DecisionQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, DecisionSchema(many=True))
    def get(self, filters):
        """List decisions, latest first; filter by project_id."""
        return queries.list_decisions(current_pmo(), at=as_of(filters), **filters)

    @writes(blp)
    @blp.arguments(DecisionCreateSchema)
    @blp.response(201, DecisionSchema, headers=CREATED)
    def post(self, body):
        """Record a decision; without project_id it belongs to the PMO (pmo and admin only)."""
        may_edit(project_ref(body.get("project_id")))
        with command(reason(body)) as pmo:
            decision = service.record_decision(pmo, **body)
        return created(queries.get_decision(pmo, decision.id), "decisions.Decision",
                       decision_id=decision.id)


@blp.route("/decisions/<uuid:decision_id>")
class Decision(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, DecisionSchema, headers=ETAG)
    def get(self, args, decision_id: uuid.UUID):
        """Show a decision (superseded ones too)."""
        return reply(_decision(decision_id, as_of(args)))


@blp.route("/decisions/<uuid:decision_id>/supersede")
class DecisionSupersession(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(DecisionSupersedeSchema)
    @blp.response(200, DecisionSchema, headers=ETAG)
    def post(self, body, decision_id: uuid.UUID):
        """Mark a decision as replaced by a later one (record that one first)."""
        may_edit_item(_decision(decision_id))
        if body["by"] == decision_id or queries.get_decision(current_pmo(), body["by"]) is None:
            raise ValidationError("name another decision, already recorded", "by")
        return kit.versioned_write(service.supersede_decision, body, queries.get_decision, decision_id)
