"""Marshmallow schemas of the risk and issue API: ``XSchema`` answers, ``XCreateSchema`` and
friends are request bodies (unknown fields refused), ``XQueryArgsSchema`` are filters.
Every read takes ``as_of``; every write takes an optional ``reason`` (kept in the ledger).
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from core.domain.action import PRIORITIES as ACTION_PRIORITIES
from core.domain.action import STATUSES as ACTION_STATUSES
from plugins.kit import (  # noqa: F401  (AsOfQuery, InputSchema, Moment: part of this module's API)
    PERSON_MAX, TEXT_MAX, AsOfQuery, EntitySchema, InputSchema, Moment, Timestamp, WriteSchema, line,
    one_of, sorts, text,
)
from plugins.risk.domain import (
    ALL_STRATEGIES, BASES, CATEGORIES, ESCALATION, ISSUE_STATUSES, KINDS, LEVELS, PRIORITIES, SCOPES,
    STATUSES,
)
from plugins.risk.queries import ISSUE_SORTS, RISK_SORTS


# --- risks ----------------------------------------------------------------------------------

class RiskSchema(EntitySchema):
    """A risk with its latest inherent and residual assessment and its current exposure."""

    ref = fields.String(metadata={"description": "reference, unique within its project (programme, portfolio)"})
    title = fields.String()
    description = fields.String()
    cause = fields.String()
    effect = fields.String()
    category = one_of(CATEGORIES)
    owner = fields.String()
    kind = one_of(KINDS, metadata={"description": "threat (negative effect) or opportunity (positive)"})
    scope = one_of(SCOPES)
    project_id = fields.UUID(allow_none=True)
    project_code = fields.String(allow_none=True)
    programme_id = fields.UUID(allow_none=True)
    programme_code = fields.String(allow_none=True)
    proximity = fields.Date(allow_none=True, metadata={"description": "when the risk could happen"})
    review_date = fields.Date(allow_none=True)
    last_reviewed = fields.Date(allow_none=True)
    identified_on = fields.Date()
    status = one_of(STATUSES)
    strategy = fields.String(metadata={"description": "the chosen response strategy (empty: none yet)"})
    response = fields.String()
    inherent_probability = fields.Integer(allow_none=True)
    inherent_impact = fields.Integer(allow_none=True)
    inherent_score = fields.Integer(allow_none=True)
    inherent_level = fields.String(allow_none=True)
    residual_probability = fields.Integer(allow_none=True)
    residual_impact = fields.Integer(allow_none=True)
    residual_score = fields.Integer(allow_none=True)
    residual_level = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True, metadata={
        "description": "current exposure: residual score once assessed, else inherent; computed"})
    level = fields.String(allow_none=True, metadata={"description": "low, medium, high or critical; computed"})
    assessed_on = fields.Date(allow_none=True)
    assessments = fields.Integer(metadata={"description": "how many assessments were made"})
    closure = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    issue_id = fields.UUID(allow_none=True, metadata={"description": "the issue it materialised into"})
    review_due = fields.Boolean(metadata={"description": "open and past its review date (today or as_of)"})
    mitigations = fields.Integer()
    open_mitigations = fields.Integer()
    overdue_mitigations = fields.Integer()


class RiskCreateSchema(WriteSchema):
    """Identify a risk; with probability and impact it is assessed (inherent) at once."""

    ref = line(40, metadata={"description": "your reference (default: the next R-nnn of its scope)"})
    title = line(required=True)
    owner = line(PERSON_MAX, required=True)
    scope = one_of(SCOPES, load_default="project")
    project_id = fields.UUID(allow_none=True)
    programme_id = fields.UUID(allow_none=True)
    description = text()
    cause = text()
    effect = text()
    category = one_of(CATEGORIES, load_default="other")
    kind = one_of(KINDS, load_default="threat")
    proximity = fields.Date(allow_none=True)
    review_date = fields.Date(allow_none=True)
    identified_on = fields.Date(allow_none=True)
    probability = fields.Integer(allow_none=True)
    impact = fields.Integer(allow_none=True)


class RiskUpdateSchema(WriteSchema):
    """Change an open risk; fields left out keep their value."""

    title = line()
    owner = line(PERSON_MAX)
    description = text()
    cause = text()
    effect = text()
    category = one_of(CATEGORIES)
    proximity = fields.Date(allow_none=True)
    review_date = fields.Date(allow_none=True)


class RiskQueryArgsSchema(AsOfQuery):
    """Filters of the register; combined with AND."""

    project_id = fields.UUID()
    programme_id = fields.UUID(metadata={"description": "the programme's own risks and its projects'"})
    scope = one_of(SCOPES)
    status = one_of([*STATUSES, "all"], load_default="open")
    kind = one_of(KINDS)
    level = one_of(LEVELS)
    category = one_of(CATEGORIES)
    owner = line(PERSON_MAX)
    basis = one_of(BASES, metadata={"description": "level, probability and impact filter this assessment"})
    probability = fields.Integer()
    impact = fields.Integer()
    review_due = fields.Boolean()
    q = line(metadata={"description": "text in the reference, title or description"})
    sort = sorts(RISK_SORTS)


class HeatmapQueryArgsSchema(AsOfQuery):
    """Which risks the heat map counts (the register's filters) and on which assessment."""

    basis = one_of(BASES, load_default="residual")
    project_id = fields.UUID()
    programme_id = fields.UUID()
    scope = one_of(SCOPES)
    status = one_of([*STATUSES, "all"], load_default="open")
    kind = one_of(KINDS)
    category = one_of(CATEGORIES)
    owner = line(PERSON_MAX)


class HeatmapCellSchema(Schema):
    probability = fields.Integer()
    impact = fields.Integer()
    score = fields.Integer()
    level = one_of(LEVELS)
    count = fields.Integer()


class HeatmapSchema(Schema):
    """Counts per probability x impact cell; ``unassessed`` risks have no such assessment."""

    basis = one_of(BASES)
    probability_labels = fields.List(fields.String())
    impact_labels = fields.List(fields.String())
    cells = fields.List(fields.Nested(HeatmapCellSchema))
    total = fields.Integer()
    unassessed = fields.Integer()


class AssessmentSchema(Schema):
    """One assessment; score and level were computed from the scales in force then."""

    version = fields.Integer(metadata={"description": "the risk's version this assessment made"})
    basis = one_of(BASES)
    probability = fields.Integer()
    impact = fields.Integer()
    score = fields.Integer()
    level = one_of(LEVELS)
    assessed_on = fields.Date()
    note = fields.String()
    assessed_by = fields.String()
    recorded_at = Timestamp()


class AssessmentCreateSchema(WriteSchema):
    """Assess: inherent (before the response) or residual (after it)."""

    basis = one_of(BASES, required=True)
    probability = fields.Integer(required=True)
    impact = fields.Integer(required=True)
    assessed_on = fields.Date(allow_none=True)
    note = text()


class ResponseCreateSchema(WriteSchema):
    """The response strategy: avoid, reduce, transfer or accept a threat; exploit, enhance,
    share or accept an opportunity."""

    strategy = one_of(ALL_STRATEGIES, required=True)
    response = text()


class MitigationSchema(Schema):
    """A core action that mitigates the risk."""

    id = fields.UUID()
    title = fields.String()
    owner = fields.String()
    due_date = fields.Date(allow_none=True)
    status = one_of(ACTION_STATUSES)
    overdue = fields.Boolean()
    project_id = fields.UUID(allow_none=True)


class MitigationCreateSchema(WriteSchema):
    """Either ``action_id`` (link an existing action of the same project) or ``title`` and
    ``owner`` (assign a new core action)."""

    action_id = fields.UUID()
    title = line()
    owner = line(PERSON_MAX)
    due_date = fields.Date(allow_none=True)
    description = text()
    priority = one_of(ACTION_PRIORITIES, load_default="normal")

    @validates_schema
    def _one_or_the_other(self, data, **kwargs):
        if "action_id" in data:
            if "title" in data or "owner" in data:
                raise ValidationError("give action_id, or title and owner; not both", "action_id")
        else:
            missing = {k: ["required to assign a new action"] for k in ("title", "owner") if k not in data}
            if missing:
                raise ValidationError(missing)


class ReviewCreateSchema(WriteSchema):
    """A review of the risk; ``next_review`` is when it is due again (null: no date)."""

    next_review = fields.Date(required=True, allow_none=True)
    note = text()
    reviewed_on = fields.Date(allow_none=True)


class CloseSchema(WriteSchema):
    """Close a risk, saying why."""

    closure = line(TEXT_MAX, required=True, metadata={"description": "why the risk is closed"})
    closed_on = fields.Date(allow_none=True)


class MaterialiseSchema(WriteSchema):
    """The risk happened: raise an issue from it."""

    priority = one_of(PRIORITIES, load_default="high")
    owner = line(PERSON_MAX)
    description = text()
    raised_on = fields.Date(allow_none=True)


class ScalesSchema(Schema):
    """The probability and impact scales and the lowest score of each level."""

    version = fields.Integer(metadata={"description": "0 while the defaults are in force"})
    probability_labels = fields.List(fields.String())
    impact_labels = fields.List(fields.String())
    medium = fields.Integer()
    high = fields.Integer()
    critical = fields.Integer()


class ScalesUpdateSchema(WriteSchema):
    """Set the scales (admin): 3-10 labelled points each, thresholds rising."""

    probability_labels = fields.List(line(40), required=True)
    impact_labels = fields.List(line(40), required=True)
    medium = fields.Integer(required=True)
    high = fields.Integer(required=True)
    critical = fields.Integer(required=True)


# --- issues ---------------------------------------------------------------------------------

class IssueSchema(EntitySchema):
    """An issue, with where it is escalated to."""

    ref = fields.String()
    title = fields.String()
    description = fields.String()
    priority = one_of(PRIORITIES)
    owner = fields.String()
    scope = one_of(SCOPES)
    project_id = fields.UUID(allow_none=True)
    project_code = fields.String(allow_none=True)
    programme_id = fields.UUID(allow_none=True)
    programme_code = fields.String(allow_none=True)
    raised_on = fields.Date()
    risk_id = fields.UUID(allow_none=True, metadata={"description": "the risk it materialised from"})
    escalation = one_of(ESCALATION, metadata={"description": "who deals with it: project, programme "
                                                             "board or portfolio board"})
    status = one_of(ISSUE_STATUSES)
    resolution = fields.String(allow_none=True)
    resolved_on = fields.Date(allow_none=True)


class IssueCreateSchema(WriteSchema):
    """Raise an issue that no risk foresaw (to raise one from a risk, materialise the risk)."""

    ref = line(40)
    title = line(required=True)
    owner = line(PERSON_MAX, required=True)
    priority = one_of(PRIORITIES, load_default="medium")
    scope = one_of(SCOPES, load_default="project")
    project_id = fields.UUID(allow_none=True)
    programme_id = fields.UUID(allow_none=True)
    description = text()
    raised_on = fields.Date(allow_none=True)


class IssueUpdateSchema(WriteSchema):
    title = line()
    owner = line(PERSON_MAX)
    priority = one_of(PRIORITIES)
    description = text()


class EscalateSchema(WriteSchema):
    """Escalate upwards: to the programme board or the portfolio board."""

    to = one_of(ESCALATION[1:], required=True)
    note = text()


class ResolveSchema(WriteSchema):
    resolution = line(TEXT_MAX, required=True)
    resolved_on = fields.Date(allow_none=True)


class IssueQueryArgsSchema(AsOfQuery):
    project_id = fields.UUID()
    programme_id = fields.UUID()
    scope = one_of(SCOPES)
    status = one_of([*ISSUE_STATUSES, "all"], load_default="open")
    priority = one_of(PRIORITIES)
    escalation = one_of(ESCALATION)
    owner = line(PERSON_MAX)
    q = line()
    sort = sorts(ISSUE_SORTS)
