"""/api/milestones: a project's promised dates, their forecasts and when they were met."""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from core import queries
from core.services import reporting as service
from plugins import kit
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, created, found, may_edit, may_edit_item, project_ref,
    reads, reason, reply, resource_blueprint, writes,
)
from web.api.schemas import (
    MilestoneAchieveSchema, MilestoneCreateSchema, MilestoneQueryArgsSchema,
    MilestoneReforecastSchema, MilestoneSchema,
)
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("milestones", __name__, "Milestones: baseline, forecast and actual dates.")


def _milestone(milestone_id: uuid.UUID, at: int | None = None) -> dict:
    return found(queries.get_milestone(current_pmo(), milestone_id, at=at), "milestone", milestone_id)


@blp.route("/milestones")
class Milestones(MethodView):
    @reads(blp)
    @blp.arguments(MilestoneQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, MilestoneSchema(many=True))
    def get(self, filters):
        """List milestones by baseline date, with their slippage; filter by project_id."""
        return queries.list_milestones(current_pmo(), at=as_of(filters), **filters)

    @writes(blp)
    @blp.arguments(MilestoneCreateSchema)
    @blp.response(201, MilestoneSchema, headers=CREATED)
    def post(self, body):
        """Plan a milestone on an open project."""
        may_edit(project_ref(body["project_id"]))
        with command(reason(body)) as pmo:
            milestone = service.plan_milestone(pmo, **body)
        return created(queries.get_milestone(pmo, milestone.id), "milestones.Milestone",
                       milestone_id=milestone.id)


@blp.route("/milestones/<uuid:milestone_id>")
class Milestone(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, MilestoneSchema, headers=ETAG)
    def get(self, args, milestone_id: uuid.UUID):
        """Show a milestone."""
        return reply(_milestone(milestone_id, as_of(args)))


@blp.route("/milestones/<uuid:milestone_id>/reforecast")
class MilestoneReforecast(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(MilestoneReforecastSchema)
    @blp.response(200, MilestoneSchema, headers=ETAG)
    def post(self, body, milestone_id: uuid.UUID):
        """Move a milestone's forecast date; its baseline stays, so slippage shows."""
        may_edit_item(_milestone(milestone_id))
        return kit.versioned_write(service.reforecast_milestone, body, queries.get_milestone, milestone_id)


@blp.route("/milestones/<uuid:milestone_id>/achieve")
class MilestoneAchievement(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(MilestoneAchieveSchema)
    @blp.response(200, MilestoneSchema, headers=ETAG)
    def post(self, body, milestone_id: uuid.UUID):
        """Record that a milestone was met, and on which date."""
        may_edit_item(_milestone(milestone_id))
        return kit.versioned_write(service.achieve_milestone, body, queries.get_milestone, milestone_id)
