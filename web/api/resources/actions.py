"""/api/actions: the action list, with owners, due dates and what came of each."""
from __future__ import annotations

import uuid
from typing import Callable

from flask.views import MethodView
from marshmallow import RAISE

from core import queries
from core.services import logs as service
from plugins import kit
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, as_of_day, created, found, may_edit, may_edit_item,
    project_ref, reads, reason, reply, resource_blueprint, writes,
)
from web.api.schemas import (
    ActionCloseSchema, ActionCreateSchema, ActionQueryArgsSchema, ActionSchema, ActionUpdateSchema,
    ReasonSchema,
)
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("actions", __name__, "Actions: who does what by when.")


def _action(action_id: uuid.UUID, at: int | None = None) -> dict:
    """The action (as it was at log position ``at``); "overdue" as of that day."""
    row = queries.get_action(current_pmo(), action_id, at=at, today=as_of_day())
    return found(row, "action", action_id)


def _change(action_id: uuid.UUID, body: dict, service_call: Callable) -> tuple:
    """The shared shape of every change to a stored action."""
    may_edit_item(_action(action_id))
    return kit.versioned_write(service_call, body, queries.get_action, action_id)


@blp.route("/actions")
class Actions(MethodView):
    @reads(blp)
    @blp.arguments(ActionQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, ActionSchema(many=True))
    def get(self, filters):
        """List actions by due date; filter by project_id, owner, status, overdue."""
        at = as_of(filters)
        return queries.list_actions(current_pmo(), at=at, today=as_of_day(), **filters)

    @writes(blp)
    @blp.arguments(ActionCreateSchema)
    @blp.response(201, ActionSchema, headers=CREATED)
    def post(self, body):
        """Assign an action; without project_id it belongs to the PMO (pmo and admin only)."""
        may_edit(project_ref(body.get("project_id")))
        with command(reason(body)) as pmo:
            action = service.assign_action(pmo, **body)
        return created(queries.get_action(pmo, action.id), "actions.Action", action_id=action.id)


@blp.route("/actions/<uuid:action_id>")
class Action(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, ActionSchema, headers=ETAG)
    def get(self, args, action_id: uuid.UUID):
        """Show an action."""
        return reply(_action(action_id, as_of(args)))

    @writes(blp, item=True, if_match=True)
    @blp.arguments(ActionUpdateSchema)
    @blp.response(200, ActionSchema, headers=ETAG)
    def patch(self, changes, action_id: uuid.UUID):
        """Change an open action's title, owner, due date or description."""
        return _change(action_id, changes, service.update_action)


@blp.route("/actions/<uuid:action_id>/close")
class ActionClosure(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(ActionCloseSchema, required=False)
    @blp.response(200, ActionSchema, headers=ETAG)
    def post(self, body, action_id: uuid.UUID):
        """Close an open action as done, with its outcome."""
        return _change(action_id, body, service.close_action)


@blp.route("/actions/<uuid:action_id>/cancel")
class ActionCancellation(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(ActionCloseSchema, required=False)
    @blp.response(200, ActionSchema, headers=ETAG)
    def post(self, body, action_id: uuid.UUID):
        """Cancel an open action, saying why it is no longer needed."""
        return _change(action_id, body, service.cancel_action)


@blp.route("/actions/<uuid:action_id>/reopen")
class ActionReopening(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(ReasonSchema, required=False)
    @blp.response(200, ActionSchema, headers=ETAG)
    def post(self, body, action_id: uuid.UUID):
        """Reopen a done or cancelled action."""
        return _change(action_id, body, service.reopen_action)
