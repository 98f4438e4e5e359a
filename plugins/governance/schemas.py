"""Marshmallow schemas of the governance API: ``XSchema`` answers, ``XCreateSchema`` and friends
request bodies (unknown fields refused), ``XQueryArgsSchema`` filters. Every read takes
``as_of``; every write takes an optional ``reason`` (kept in the ledger).
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.kit import (  # noqa: F401  (AsOfQuery: part of this module's API)
    PERSON_MAX, AsOfQuery, EntitySchema, InputSchema, Timestamp, WriteSchema, line, one_of, text,
)
from plugins.governance.domain import (
    ANSWERS, CADENCES, GATED_STAGES, ITEM_MAX, MEETING_STATUSES, REVIEW_STATUSES, SERIES_KINDS, VERDICTS,
)

PRIORITIES = ("low", "normal", "high")


# --- checklists -------------------------------------------------------------------------------

class ChecklistSchema(Schema):
    """The PMO's default checklist for one gate (projects made from a template use its own)."""

    stage = one_of(GATED_STAGES)
    items = fields.List(fields.String())
    customised = fields.Boolean(metadata={"description": "false: the built-in checklist, never changed"})
    version = fields.Integer()
    updated_at = Timestamp(allow_none=True)
    updated_by = fields.String(allow_none=True)


class ChecklistUpdateSchema(WriteSchema):
    stage = one_of(GATED_STAGES, required=True, metadata={"description": "the gate: to approved, active or closed"})
    items = fields.List(line(ITEM_MAX), required=True, validate=validate.Length(min=1, max=40))


# --- gate reviews -----------------------------------------------------------------------------

class AnswerSchema(Schema):
    n = fields.Integer(dump_only=True)
    item = fields.String(dump_only=True)
    answer = fields.String(metadata={"description": "met, not_met or n_a; empty while not answered"})
    evidence = fields.String()


class AnswerInSchema(InputSchema):
    answer = fields.String(validate=validate.OneOf(["", *ANSWERS]), load_default="")
    evidence = text(load_default="")


class ConditionInSchema(InputSchema):
    """A condition of the verdict: a core action on the project, high priority."""

    title = line(required=True)
    owner = line(PERSON_MAX, required=True)
    due_date = fields.Date(allow_none=True, load_default=None)


class GateReviewSchema(EntitySchema):
    """A gate review: the project, the gate, the checklist with answers, the verdict."""

    project_id = fields.UUID()
    project_code = fields.String()
    from_stage = fields.String()
    to_stage = one_of(GATED_STAGES)
    checklist_source = fields.String(metadata={"description": "the template version or the PMO default"})
    chair = fields.String()
    planned_on = fields.Date()
    status = one_of(REVIEW_STATUSES)
    verdict = fields.String(allow_none=True, metadata={"description": f"one of {', '.join(VERDICTS)}"})
    summary = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    decision_id = fields.UUID(allow_none=True, metadata={"description": "the decision in the core decision log"})
    items = fields.Integer()
    met = fields.Integer()
    not_met = fields.Integer()
    n_a = fields.Integer()
    conditions = fields.Integer()
    answers = fields.List(fields.Nested(AnswerSchema))


class GateReviewQueryArgsSchema(AsOfQuery):
    project_id = fields.UUID()
    status = one_of(REVIEW_STATUSES)
    verdict = one_of(VERDICTS)


class GateReviewCreateSchema(WriteSchema):
    project_id = fields.UUID(required=True)
    chair = line(PERSON_MAX, required=True, metadata={"description": "who chairs the review (recorded as decided by)"})
    planned_on = fields.Date(metadata={"description": "the review's date (default: today)"})


class GateReviewAnswersSchema(WriteSchema):
    answers = fields.List(fields.Nested(AnswerInSchema), required=True,
                          metadata={"description": "one per checklist item, in its order"})


class GateReviewVerdictSchema(WriteSchema):
    verdict = one_of(VERDICTS, required=True)
    answers = fields.List(fields.Nested(AnswerInSchema),
                          metadata={"description": "one per item; default: the answers kept so far"})
    summary = text(metadata={"description": "why; required for no_go and hold"})
    conditions = fields.List(fields.Nested(ConditionInSchema), validate=validate.Length(max=20),
                             metadata={"description": "become actions on the project; go_with_conditions needs one"})
    decided_on = fields.Date()


# --- meeting series and meetings --------------------------------------------------------------

class SeriesSchema(EntitySchema):
    """A recurring governance meeting: steering committee, portfolio board, PMO network."""

    name = fields.String()
    kind = one_of(SERIES_KINDS)
    cadence = one_of(CADENCES)
    chair = fields.String()
    members = fields.List(fields.String())
    description = fields.String()
    programme_id = fields.UUID(allow_none=True)


class SeriesCreateSchema(WriteSchema):
    name = line(PERSON_MAX, required=True)
    kind = one_of(SERIES_KINDS, required=True)
    chair = line(PERSON_MAX, required=True)
    cadence = one_of(CADENCES)
    members = fields.List(line(PERSON_MAX), validate=validate.Length(max=100))
    description = text()
    programme_id = fields.UUID(allow_none=True)


class SeriesUpdateSchema(WriteSchema):
    name = line(PERSON_MAX)
    kind = one_of(SERIES_KINDS)
    chair = line(PERSON_MAX)
    cadence = one_of(CADENCES)
    members = fields.List(line(PERSON_MAX), validate=validate.Length(max=100))
    description = text()
    programme_id = fields.UUID(allow_none=True)


class AgendaProjectSchema(Schema):
    id = fields.UUID()
    code = fields.String()
    name = fields.String()
    stage = fields.String()
    overall = fields.String(allow_none=True, metadata={"description": "its latest RAG as of the moment read"})
    manager = fields.String(allow_none=True)


class AgendaItemSchema(Schema):
    n = fields.Integer()
    title = fields.String()
    project_id = fields.UUID(allow_none=True)
    project = fields.Nested(AgendaProjectSchema, allow_none=True,
                            metadata={"description": "the project's status as of the moment read (the papers)"})


class AgendaItemInSchema(InputSchema):
    title = line(required=True)
    project_id = fields.UUID(allow_none=True, load_default=None)


class RecordSchema(Schema):
    """A core decision or action taken in the meeting (see /api/decisions, /api/actions)."""

    id = fields.UUID()
    title = fields.String()
    project_id = fields.UUID(allow_none=True)


class MeetingSummarySchema(EntitySchema):
    """A meeting of a series, as listed; read-only once closed."""

    series_id = fields.UUID()
    title = fields.String()
    held_on = fields.Date()
    attendees = fields.List(fields.String())
    minutes = fields.String()
    status = one_of(MEETING_STATUSES)
    closed_at = Timestamp(allow_none=True)
    closed_by = fields.String(allow_none=True)
    decisions = fields.Integer()
    actions = fields.Integer()
    agenda_items = fields.Integer()


class MeetingSchema(MeetingSummarySchema):
    """A meeting with its agenda (and each project's status: the papers), decisions and actions."""

    agenda = fields.List(fields.Nested(AgendaItemSchema))
    decision_records = fields.List(fields.Nested(RecordSchema))
    action_records = fields.List(fields.Nested(RecordSchema))


class MeetingQueryArgsSchema(AsOfQuery):
    series_id = fields.UUID()
    status = one_of(MEETING_STATUSES)
    project_id = fields.UUID(metadata={"description": "meetings with an agenda item on this project"})


class MeetingCreateSchema(WriteSchema):
    series_id = fields.UUID(required=True)
    held_on = fields.Date(required=True)
    title = line()
    agenda = fields.List(fields.Nested(AgendaItemInSchema), validate=validate.Length(max=50))
    attendees = fields.List(line(PERSON_MAX), validate=validate.Length(max=100))
    minutes = text()


class MeetingUpdateSchema(WriteSchema):
    held_on = fields.Date()
    title = line()
    agenda = fields.List(fields.Nested(AgendaItemInSchema), validate=validate.Length(max=50))
    attendees = fields.List(line(PERSON_MAX), validate=validate.Length(max=100))
    minutes = text()


class MeetingDecisionSchema(WriteSchema):
    title = line(required=True)
    decision = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    rationale = text()
    project_id = fields.UUID(allow_none=True)


class MeetingActionSchema(WriteSchema):
    title = line(required=True)
    owner = line(PERSON_MAX, required=True)
    due_date = fields.Date(allow_none=True)
    project_id = fields.UUID(allow_none=True)
    description = text()
    priority = one_of(PRIORITIES)


class MeetingCloseSchema(WriteSchema):
    note = text()
