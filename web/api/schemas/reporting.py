"""Status report and milestone schemas."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from core.domain.rag import RAG
from web.api.schemas.common import (
    AsOfSchema, EntitySchema, ReasonSchema, Timestamp, line, one_of, text,
)


def _percent(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(0, 100), **kwargs)


def _check_period(data: dict) -> None:
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        raise ValidationError("period end is before period start", "period_end")


class StatusReportSchema(EntitySchema):
    """A project's status for a period; frozen once published."""

    project_id = fields.UUID()
    period_start = fields.Date()
    period_end = fields.Date()
    overall = one_of(RAG)
    schedule = one_of(RAG)
    cost = one_of(RAG)
    scope = one_of(RAG)
    summary = fields.String()
    progress_pct = fields.Integer()
    published = fields.Boolean()
    published_at = Timestamp(allow_none=True)
    published_by = fields.String(allow_none=True)


class StatusReportCreateSchema(ReasonSchema):
    """Draft a status report, or with ``publish: true`` submit it (draft and publish at once)."""

    project_id = fields.UUID(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    overall = one_of(RAG, required=True)
    schedule = one_of(RAG, required=True)
    cost = one_of(RAG, required=True)
    scope = one_of(RAG, required=True)
    summary = text()
    progress_pct = _percent()
    publish = fields.Boolean(load_default=False, metadata={
        "description": "publish at once, in the same transaction (the usual monthly submission)"})

    @validates_schema
    def _period_in_order(self, data: dict, **_kwargs) -> None:
        _check_period(data)


class StatusReportUpdateSchema(ReasonSchema):
    """Revise a draft; fields left out keep their value."""

    period_start = fields.Date()
    period_end = fields.Date()
    overall = one_of(RAG)
    schedule = one_of(RAG)
    cost = one_of(RAG)
    scope = one_of(RAG)
    summary = text()
    progress_pct = _percent()

    @validates_schema
    def _period_in_order(self, data: dict, **_kwargs) -> None:
        _check_period(data)


class StatusReportQueryArgsSchema(AsOfSchema):
    """Filters for the status report list."""

    project_id = fields.UUID()
    published = fields.Boolean()


class MilestoneSchema(EntitySchema):
    """A milestone: baseline promised, forecast now, actual once met."""

    project_id = fields.UUID()
    name = fields.String()
    description = fields.String()
    baseline_date = fields.Date()
    forecast_date = fields.Date()
    actual_date = fields.Date(allow_none=True)
    slippage_days = fields.Integer(metadata={"description": "days later than baseline (negative: early)"})


class MilestoneCreateSchema(ReasonSchema):
    """Plan a milestone on an open project."""

    project_id = fields.UUID(required=True)
    name = line(required=True)
    baseline_date = fields.Date(required=True)
    description = text()


class MilestoneReforecastSchema(ReasonSchema):
    """Move a milestone's forecast date (its baseline stays)."""

    forecast_date = fields.Date(required=True)


class MilestoneAchieveSchema(ReasonSchema):
    """Record that a milestone was met, and when."""

    actual_date = fields.Date(required=True)


class MilestoneQueryArgsSchema(AsOfSchema):
    """Filters for the milestone list."""

    project_id = fields.UUID()
