"""Decision log and action list schemas."""
from __future__ import annotations

from marshmallow import fields

from core.domain.action import STATUSES
from web.api.schemas.common import (
    PERSON_MAX, AsOfSchema, EntitySchema, ReasonSchema, Timestamp, line, one_of, text,
)


class DecisionSchema(EntitySchema):
    """A recorded decision; ``superseded_by`` names the decision that replaced it."""

    project_id = fields.UUID(allow_none=True)
    title = fields.String()
    decision = fields.String()
    rationale = fields.String()
    decided_by = fields.String()
    decided_on = fields.Date()
    superseded_by = fields.UUID(allow_none=True)


class DecisionCreateSchema(ReasonSchema):
    """Record a decision, for a project or (without ``project_id``) for the whole PMO."""

    title = line(required=True)
    decision = text(required=True)
    decided_by = line(PERSON_MAX, required=True)
    decided_on = fields.Date(required=True)
    rationale = text()
    project_id = fields.UUID(allow_none=True)


class DecisionSupersedeSchema(ReasonSchema):
    """Mark a decision as replaced by a later one."""

    by = fields.UUID(required=True, metadata={"description": "id of the decision that replaces it"})


class DecisionQueryArgsSchema(AsOfSchema):
    """Filters for the decision log."""

    project_id = fields.UUID()


class ActionSchema(EntitySchema):
    """An action with its owner, due date and status (open, done or cancelled)."""

    project_id = fields.UUID(allow_none=True)
    title = fields.String()
    owner = fields.String()
    due_date = fields.Date(allow_none=True)
    description = fields.String()
    status = one_of(STATUSES)
    outcome = fields.String(allow_none=True)
    closed_at = Timestamp(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "open and past its due date (today, or on the as_of date)"})


class ActionCreateSchema(ReasonSchema):
    """Assign an action to an owner, for a project or for the whole PMO."""

    title = line(required=True)
    owner = line(PERSON_MAX, required=True)
    due_date = fields.Date(allow_none=True)
    project_id = fields.UUID(allow_none=True)
    description = text()


class ActionUpdateSchema(ReasonSchema):
    """Change an open action; fields left out keep their value, null clears the due date."""

    title = line()
    owner = line(PERSON_MAX)
    due_date = fields.Date(allow_none=True)
    description = text()


class ActionCloseSchema(ReasonSchema):
    """Close (done) or cancel an open action, saying what came of it."""

    outcome = text()


class ActionQueryArgsSchema(AsOfSchema):
    """Filters for the action list; all optional, combined with AND."""

    project_id = fields.UUID()
    owner = line(PERSON_MAX)
    status = one_of(STATUSES)
    overdue = fields.Boolean(metadata={"description": "only overdue (true) or not overdue (false)"})
