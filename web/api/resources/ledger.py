"""/api/events (auditors and admins): the ledger, page by page; /api/entities/<id>/history
(any reader): one entity's changes, field by field, with who, when and why."""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import request, url_for
from flask.views import MethodView
from marshmallow import RAISE

from core import queries
from core.history import describe, entity_history, log_page
from core.permissions import can_audit
from core.pmo import PMO
from web.api.resources._http import as_of, as_of_args, found, reads, resource_blueprint
from web.api.schemas import EventPageSchema, EventQueryArgsSchema, HistoryEntrySchema
from web.tenancy import current_pmo

blp = resource_blueprint("ledger", __name__, "The ledger: every event, and each entity's history.")

LINK = {"Link": {"description": '<URL>; rel="next" while there are older events',
                 "schema": {"type": "string"}}}


@blp.route("/events")
class Events(MethodView):
    @reads(blp, can_audit)
    @blp.arguments(EventQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, EventPageSchema, headers=LINK)
    def get(self, filters):
        """Browse the ledger, newest first (auditors and admins).

        Filter by entity, actor, topic, plugin, request (correlation_id) and recorded time;
        follow `next` (or the Link header) for older events.
        """
        at = as_of(filters)
        page = log_page(current_pmo(), at=at, **filters)
        if page["next_before"] is None:
            return {"items": page["items"], "next": None}
        # The same query, one page further back: keyset pagination on the position.
        following = url_for(request.endpoint, **{**request.args.to_dict(), "before": page["next_before"]})
        return {"items": page["items"], "next": following}, {"Link": f'<{following}>; rel="next"'}


def _plugin_tables(pmo: PMO) -> list[sa.Table]:
    """Plugins' temporal read-model tables keyed by an entity id: their entities have histories too."""
    tables = [table for name, projection in pmo.runner.projections.items() if pmo.projection_owner.get(name)
              for table in projection.metadata.sorted_tables if "temporal_key" in table.info]
    return [table for table in tables if isinstance(table.c[table.info["temporal_key"]].type, sa.Uuid)]


def _from_the_log(pmo: PMO, entity_id: uuid.UUID, at: int | None) -> list[dict]:
    """Events of an entity with no read model of its own: what happened, without field changes."""
    rows = [r for r in queries.entity_history(pmo, entity_id) if at is None or r["position"] <= at]
    return [{"position": r["position"], "occurred_at": r["occurred_at"], "actor": r["actor"],
             "reason": r["reason"], "topic": r["topic"], "created": r["originator_version"] == 1,
             "changes": []} for r in reversed(rows)]


@blp.route("/entities/<uuid:entity_id>/history")
class EntityHistory(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, HistoryEntrySchema(many=True))
    def get(self, args, entity_id: uuid.UUID):
        """List the changes to one entity (any kind), newest first: fields, who, when and why."""
        pmo, at = current_pmo(), as_of(args)
        entries = (entity_history(pmo, entity_id, at=at, extra_tables=_plugin_tables(pmo))
                   or _from_the_log(pmo, entity_id, at))
        return [{**entry, "summary": describe(entry),
                 "changes": [{"field": f, "old": old, "new": new} for f, old, new in entry["changes"]]}
                for entry in found(entries or None, "entity", entity_id)]
