"""Project schemas: the project, its lifecycle gates and list filters."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from core.domain.project import STAGES
from core.domain.rag import RAG
from web.api.schemas.common import (
    CODE_MAX, PERSON_MAX, AsOfSchema, EntitySchema, ReasonSchema, Timestamp, line, one_of,
    text,
)


class ProjectSchema(EntitySchema):
    """A project, with the overall RAG and progress of its latest published status report."""

    code = fields.String()
    name = fields.String()
    description = fields.String()
    sponsor = fields.String()
    manager = fields.String(metadata={"description": "username of the project manager"})
    programme_id = fields.UUID(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    stage = one_of(STAGES)
    gate_decision = fields.String(allow_none=True, metadata={"description": "of the last stage change"})
    overall = one_of(RAG, allow_none=True, metadata={"description": "latest published overall RAG"})
    progress_pct = fields.Integer(allow_none=True)
    last_report = fields.Date(allow_none=True, metadata={"description": "period end of that report"})


def _check_dates(data: dict) -> None:
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        raise ValidationError("end date is before start date", "end_date")


class ProjectCreateSchema(ReasonSchema):
    """Register a project under a new, unique code (it starts in stage ``idea``)."""

    code = line(CODE_MAX, required=True)
    name = line(required=True)
    description = text()
    sponsor = line(PERSON_MAX, blank=True)
    manager = line(PERSON_MAX, blank=True, metadata={
        "description": "username; a project manager may only name themselves (the default)"})
    programme_id = fields.UUID(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)

    @validates_schema
    def _dates_in_order(self, data: dict, **_kwargs) -> None:
        _check_dates(data)


class ProjectUpdateSchema(ReasonSchema):
    """Change a project's details; fields left out keep their value, null clears one."""

    name = line()
    description = text()
    sponsor = line(PERSON_MAX, blank=True)
    manager = line(PERSON_MAX, blank=True)
    programme_id = fields.UUID(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)

    @validates_schema
    def _dates_in_order(self, data: dict, **_kwargs) -> None:
        _check_dates(data)


class ProjectQueryArgsSchema(AsOfSchema):
    """Filters for the project list; all optional, combined with AND."""

    stage = one_of(STAGES)
    programme_id = fields.UUID()
    manager = line(PERSON_MAX, blank=True, metadata={"description": "username of the project manager"})
    rag = one_of(RAG, metadata={"description": "overall RAG of the latest published report"})
    q = line(blank=True, metadata={"description": "text in the code or name"})


class StageChangeCreateSchema(ReasonSchema):
    """Pass a lifecycle gate: to the next stage, or to ``cancelled``."""

    stage = one_of(STAGES, required=True)
    gate_decision = text(required=True, metadata={"description": "the gate's decision, kept with it"})


class StageChangeSchema(Schema):
    """One gate passed: from which stage to which, decided how, by whom and when."""

    position = fields.Integer(metadata={"description": "ledger position of the change"})
    project_id = fields.UUID()
    from_stage = fields.String()
    stage = fields.String()
    gate_decision = fields.String()
    actor = fields.String()
    reason = fields.String(allow_none=True)
    occurred_at = Timestamp()
