"""/api/events and /api/entities/<id>/history: the ledger's own record of who did what, when."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from core import queries
from core.permissions import can_audit
from web.api.resources._http import resource_blueprint, found, reads
from web.api.schemas import EventQueryArgsSchema, EventSchema
from web.tenancy import current_pmo

blp = resource_blueprint("ledger", __name__, "The ledger: events by request, and each entity's history.")


@blp.route("/events")
class Events(MethodView):
    @reads(blp, can_audit)
    @blp.arguments(EventQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, EventSchema(many=True))
    def get(self, args):
        """List the events one request wrote, by its correlation id (auditors and admins)."""
        return queries.events_for_correlation(current_pmo(), args["correlation_id"])


@blp.route("/entities/<uuid:entity_id>/history")
class EntityHistory(MethodView):
    @reads(blp, item=True)
    @blp.response(200, EventSchema(many=True))
    def get(self, entity_id: uuid.UUID):
        """List every event of one entity (any aggregate), oldest first."""
        return found(queries.entity_history(current_pmo(), entity_id) or None, "entity", entity_id)
