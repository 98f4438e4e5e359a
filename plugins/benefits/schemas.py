"""Marshmallow schemas of the benefits API: ``XSchema`` answers, ``XCreateSchema`` and friends
request bodies (unknown fields refused), ``XQueryArgsSchema`` filters. Every read takes
``as_of``; every write takes an optional ``reason`` (kept in the ledger).
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.kit import (  # noqa: F401  (AsOfQuery: part of this module's API)
    PERSON_MAX, AsOfQuery, EntitySchema, InputSchema, Timestamp, WriteSchema, line, one_of, sorts, text,
)
from plugins.benefits.domain import CATEGORIES, FREQUENCIES, KINDS, OUTCOMES, STATUSES, TYPES
from plugins.benefits.queries import SORTS
from plugins.benefits.realisation import STATES

Number = lambda **kw: fields.Float(allow_nan=False, validate=validate.Range(-1e15, 1e15), **kw)  # noqa: E731


class ObjectiveSchema(EntitySchema):
    """A strategic objective: what the organisation wants to achieve in a period."""

    ref = fields.String()
    title = fields.String()
    description = fields.String()
    owner = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()


class ObjectiveCreateSchema(WriteSchema):
    ref = line(40, metadata={"description": "your reference (default: the next O-nnn)"})
    title = line(required=True)
    owner = line(PERSON_MAX, required=True)
    description = text()
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)


class ObjectiveUpdateSchema(WriteSchema):
    title = line()
    owner = line(PERSON_MAX)
    description = text()
    period_start = fields.Date()
    period_end = fields.Date()


class BenefitObjectiveLinkSchema(Schema):
    id = fields.UUID()
    ref = fields.String()
    title = fields.String()


class BenefitEnablerSchema(Schema):
    """A project whose output enables the benefit."""

    project_id = fields.UUID(required=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    stage = fields.String(dump_only=True)
    output = text(metadata={"description": "the project output that enables it"})


class BenefitEnablerInSchema(InputSchema):
    project_id = fields.UUID(required=True)
    output = text()


class BenefitSchema(EntitySchema):
    """A benefit or dis-benefit, its measure, links, latest measurement and computed state."""

    ref = fields.String()
    title = fields.String()
    description = fields.String()
    owner = fields.String()
    kind = one_of(KINDS)
    category = one_of(CATEGORIES)
    benefit_type = one_of(TYPES)
    indicator = fields.String()
    unit = fields.String()
    baseline_value = fields.Float()
    baseline_date = fields.Date()
    target_value = fields.Float()
    target_date = fields.Date()
    frequency = one_of(list(FREQUENCIES))
    post_project_owner = fields.String(metadata={"description": "who measures after the projects close"})
    status = one_of(STATUSES)
    outcome = fields.String(allow_none=True)
    closure = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    measurements = fields.Integer()
    latest_on = fields.Date(allow_none=True)
    latest_value = fields.Float(allow_none=True)
    state = one_of(STATES, metadata={"description": "computed: behind the planned trajectory at the latest "
                                                    "measurement by more than 10% of baseline->target: at risk"})
    at_risk = fields.Boolean()
    planned_today = fields.Float(metadata={"description": "the planned trajectory's value today (or as_of)"})
    next_due = fields.Date()
    measurement_due = fields.Boolean()
    measured_by = fields.String(metadata={"description": "who measures now: the post-project owner once handed over"})
    handed_over = fields.Boolean()
    handed_over_on = fields.Date(allow_none=True)
    handover_note = fields.String(allow_none=True)
    objectives = fields.List(fields.Nested(BenefitObjectiveLinkSchema))
    enablers = fields.List(fields.Nested(BenefitEnablerSchema))


class BenefitCreateSchema(WriteSchema):
    """Register a benefit with its measure and links."""

    ref = line(40, metadata={"description": "your reference (default: the next B-nnn)"})
    title = line(required=True)
    owner = line(PERSON_MAX, required=True)
    description = text()
    kind = one_of(KINDS, load_default="benefit")
    category = one_of(CATEGORIES, load_default="non-financial")
    benefit_type = one_of(TYPES, load_default="other")
    indicator = line(required=True)
    unit = line(40, required=True)
    baseline_value = Number(required=True)
    baseline_date = fields.Date(required=True)
    target_value = Number(required=True)
    target_date = fields.Date(required=True)
    frequency = one_of(list(FREQUENCIES), load_default="quarterly")
    post_project_owner = line(PERSON_MAX)
    objective_ids = fields.List(fields.UUID(), validate=validate.Length(max=50))
    enablers = fields.List(fields.Nested(BenefitEnablerInSchema), validate=validate.Length(max=50))


class BenefitUpdateSchema(WriteSchema):
    """Change an open benefit; fields left out keep their value; links given replace the old."""

    title = line()
    owner = line(PERSON_MAX)
    description = text()
    category = one_of(CATEGORIES)
    benefit_type = one_of(TYPES)
    indicator = line()
    unit = line(40)
    baseline_value = Number()
    baseline_date = fields.Date()
    target_value = Number()
    target_date = fields.Date()
    frequency = one_of(list(FREQUENCIES))
    post_project_owner = fields.String(validate=validate.Length(max=PERSON_MAX))
    objective_ids = fields.List(fields.UUID(), validate=validate.Length(max=50))
    enablers = fields.List(fields.Nested(BenefitEnablerInSchema), validate=validate.Length(max=50))


class BenefitQueryArgsSchema(AsOfQuery):
    """Filters of the register; combined with AND."""

    objective_id = fields.UUID()
    project_id = fields.UUID()
    programme_id = fields.UUID(metadata={"description": "benefits its projects enable"})
    kind = one_of(KINDS)
    category = one_of(CATEGORIES)
    state = one_of(STATES)
    status = one_of([*STATUSES, "all"], load_default="all")
    owner = line(PERSON_MAX)
    at_risk = fields.Boolean()
    q = line(metadata={"description": "text in the reference, title or indicator"})
    sort = sorts(SORTS)


class BenefitMeasurementSchema(Schema):
    measured_on = fields.Date()
    value = fields.Float()
    planned = fields.Float(metadata={"description": "the planned trajectory's value on that date"})
    note = fields.String()
    measured_by = fields.String()
    recorded_at = Timestamp()


class BenefitMeasurementCreateSchema(WriteSchema):
    value = Number(required=True)
    measured_on = fields.Date(allow_none=True, metadata={"description": "default: today"})
    note = text()


class BenefitHandOverSchema(WriteSchema):
    measurement_owner = line(PERSON_MAX, required=True)
    note = text()


class BenefitCloseSchema(WriteSchema):
    outcome = one_of(OUTCOMES, required=True)
    note = text(required=True)
    closed_on = fields.Date(allow_none=True)


class BenefitMapQueryArgsSchema(AsOfQuery):
    programme_id = fields.UUID(metadata={"description": "only the benefits its projects enable (default: all)"})


class BenefitMapEdgeSchema(Schema):
    kind = one_of(["objective", "project"], metadata={"description": "objective: objective -> benefit; "
                                                                     "project: benefit -> enabling project"})
    source = fields.UUID()
    target = fields.UUID()


class BenefitNodeSchema(Schema):
    id = fields.UUID()
    ref = fields.String()
    title = fields.String()
    kind = one_of(KINDS)
    state = one_of(STATES)
    status = one_of(STATUSES)


class BenefitProjectNodeSchema(Schema):
    project_id = fields.UUID()
    code = fields.String()
    name = fields.String()
    stage = fields.String()


class BenefitMapSchema(Schema):
    """Objective -> benefit -> enabling project: the nodes and every link between them."""

    objectives = fields.List(fields.Nested(BenefitObjectiveLinkSchema))
    benefits = fields.List(fields.Nested(BenefitNodeSchema))
    projects = fields.List(fields.Nested(BenefitProjectNodeSchema))
    edges = fields.List(fields.Nested(BenefitMapEdgeSchema))


class BenefitTotalSchema(Schema):
    kind = one_of(KINDS)
    unit = fields.String()
    benefits = fields.Integer()
    measured = fields.Integer()
    planned = fields.Float(metadata={"description": "planned gain by today (or as_of): trajectory - baseline"})
    realised = fields.Float(metadata={"description": "latest actual - baseline (0 when not measured)"})
    target = fields.Float(metadata={"description": "target - baseline"})


class BenefitOverviewGroupSchema(Schema):
    """One objective (null: benefits serving none) with all its benefits and their totals."""

    objective = fields.Nested(ObjectiveSchema, allow_none=True)
    benefits = fields.List(fields.Nested(BenefitNodeSchema))
    totals = fields.List(fields.Nested(BenefitTotalSchema))
    at_risk = fields.Integer()
    unmeasured = fields.Integer()
