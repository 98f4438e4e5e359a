"""Marshmallow schemas of the portfolio API: ``XSchema`` answers, ``XCreateSchema`` and
friends request bodies (unknown fields refused). Every read takes ``as_of``; every write an
optional ``reason``, kept in the ledger.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.kit import AsOfQuery, EntitySchema, InputSchema, Moment, Timestamp, WriteSchema, line, text  # noqa: F401
from plugins.portfolio.domain import MAX_AMOUNT, MAX_WEIGHT

Amount = lambda **kw: fields.Float(allow_nan=False, validate=validate.Range(0, MAX_AMOUNT), **kw)  # noqa: E731
Weight = lambda **kw: fields.Float(allow_nan=False, validate=validate.Range(0, MAX_WEIGHT), **kw)  # noqa: E731


class PortfolioObjectiveRefSchema(Schema):
    id = fields.UUID()
    ref = fields.String()
    title = fields.String()


class CriterionSchema(EntitySchema):
    """A scoring criterion; ``objective`` set: strategic alignment with that objective."""

    ref = fields.String()
    name = fields.String()
    description = fields.String()
    weight = fields.Float()
    objective_id = fields.UUID(allow_none=True)
    objective = fields.Nested(PortfolioObjectiveRefSchema, allow_none=True)
    reason = fields.String(metadata={"description": "why it last changed"})


class CriterionCreateSchema(WriteSchema):
    ref = line(40, required=True)
    name = line(required=True)
    description = text()
    weight = Weight(required=True)
    objective_id = fields.UUID(allow_none=True, metadata={"description": "a benefits objective: alignment with it"})


class CriterionUpdateSchema(WriteSchema):
    name = line()
    description = text()
    weight = Weight(metadata={"description": "a new weight is its own event, with the old weight"})


class PortfolioScoreInSchema(InputSchema):
    criterion_id = fields.UUID(required=True)
    score = fields.Integer(required=True, strict=True, validate=validate.Range(0, 5))
    rationale = line(2000, required=True)


class PortfolioScoresSchema(WriteSchema):
    scores = fields.List(fields.Nested(PortfolioScoreInSchema), required=True, validate=validate.Length(min=1, max=100))


class PortfolioLoadSchema(InputSchema):
    role = line(100, required=True)
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$",
                                                                   error="a month (2026-03) or a quarter (2026-Q2)"))
    amount = Amount(required=True)


class PortfolioEstimateSchema(WriteSchema):
    cost = Amount(required=True)
    must_do = fields.Boolean(load_default=False)
    demands = fields.List(fields.Nested(PortfolioLoadSchema), load_default=list, validate=validate.Length(max=500))


class PortfolioEnvelopeInSchema(WriteSchema):
    budget = Amount(required=True)
    capacities = fields.List(fields.Nested(PortfolioLoadSchema), load_default=list, validate=validate.Length(max=500))


class PortfolioLoadOutSchema(Schema):
    role = fields.String()
    period = fields.String()
    amount = fields.Float()


class PortfolioEnvelopeSchema(Schema):
    budget = fields.Float()
    capacities = fields.List(fields.Nested(PortfolioLoadOutSchema))
    version = fields.Integer()
    updated_by = fields.String()


class PortfolioCellSchema(Schema):
    criterion_id = fields.UUID()
    ref = fields.String()
    weight = fields.Float()
    score = fields.Integer(allow_none=True)
    rationale = fields.String()
    by = fields.String(allow_none=True)
    derived = fields.Boolean(metadata={"description": "alignment read from the benefit map, not scored by hand"})


class PortfolioRankedSchema(Schema):
    """A project in the ranking: its scores, weighted score (0-5), cost and must-do."""

    rank = fields.Integer()
    project_id = fields.UUID()
    code = fields.String()
    name = fields.String()
    stage = fields.String()
    weighted = fields.Float()
    scored = fields.Integer()
    cost = fields.Float(allow_none=True)
    must_do = fields.Boolean()
    demands = fields.List(fields.Nested(PortfolioLoadOutSchema))
    scores = fields.List(fields.Nested(PortfolioCellSchema))
    blocked_by = fields.List(fields.String())


class PortfolioLimitSchema(Schema):
    name = fields.String()
    limit = fields.Float()
    used = fields.Float()
    slack = fields.Float()
    forced = fields.Float(metadata={"description": "what the must-do projects alone take"})
    binding = fields.Boolean(metadata={"description": "it keeps at least one project out"})
    blocks = fields.List(fields.String(), metadata={"description": "codes of the projects it keeps out"})


class PortfolioSelectionSchema(Schema):
    """The best set of projects within the budget and capacities, must-dos included."""

    feasible = fields.Boolean(metadata={"description": "false: the must-do projects alone exceed a limit"})
    budget = fields.Float(allow_none=True)
    value = fields.Float()
    cost = fields.Float()
    chosen = fields.List(fields.Nested(PortfolioRankedSchema))
    left_out = fields.List(fields.Nested(PortfolioRankedSchema))
    not_costed = fields.List(fields.Nested(PortfolioRankedSchema))
    limits = fields.List(fields.Nested(PortfolioLimitSchema))
    binding = fields.List(fields.String())
    exceeded_by_must_dos = fields.List(fields.String())


class PortfolioSelectionQuery(AsOfQuery):
    budget = Amount(metadata={"description": "try another budget (default: the envelope's)"})


class PortfolioChangesQuery(AsOfQuery):
    since = Moment(metadata={"description": "the earlier moment: a date or ISO timestamp (default: the "
                                            "ledger's start, so every weight and score recorded is listed)"})


class PortfolioMoveSchema(Schema):
    code = fields.String()
    name = fields.String()
    rank = fields.Integer()
    weighted = fields.Float()
    was_rank = fields.Integer(allow_none=True)
    was_weighted = fields.Float(allow_none=True)
    moved = fields.Integer(allow_none=True)


class PortfolioChangeSchema(Schema):
    ref = fields.String()
    name = fields.String()
    code = fields.String()
    criterion = fields.String()
    before = fields.Float(allow_none=True)
    after = fields.Float()
    rationale = fields.String()
    by = fields.String()
    when = Timestamp()
    reason = fields.String()


class PortfolioChangesSchema(Schema):
    """Why the ranking changed: rank moves, then the weights and the scores that changed."""

    moves = fields.List(fields.Nested(PortfolioMoveSchema))
    weights = fields.List(fields.Nested(PortfolioChangeSchema))
    scores = fields.List(fields.Nested(PortfolioChangeSchema))
    reordered = fields.Boolean()


# --- scenarios, roadmap, roll-up -------------------------------------------------------------

class ScenarioCreateSchema(WriteSchema):
    name = line(required=True)
    description = text()


class ScenarioUpdateSchema(WriteSchema):
    name = line(required=True)
    description = text()


class ScenarioChangeInSchema(WriteSchema):
    """One hypothetical change; which fields it needs depends on ``kind``."""

    kind = fields.String(required=True, validate=validate.OneOf(["drop", "shift", "cost", "must_do", "budget", "capacity"]))
    project_id = fields.UUID(metadata={"description": "drop, shift, cost, must_do: the project"})
    days = fields.Integer(strict=True, validate=validate.Range(-3650, 3650), metadata={"description": "shift: by days"})
    cost = Amount(metadata={"description": "cost: the project's new cost"})
    must_do = fields.Boolean(metadata={"description": "must_do: true or false"})
    budget = Amount(metadata={"description": "budget: the portfolio's budget"})
    role = line(100, metadata={"description": "capacity: the role"})
    period = fields.String(validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$",
                                                    error="a month (2026-03) or a quarter (2026-Q2)"))
    amount = Amount(metadata={"description": "capacity: what the role can give in the period"})


class ScenarioWithdrawSchema(WriteSchema):
    key = line(200, required=True, metadata={"description": "the change's key, as listed in the scenario"})


class ScenarioActSchema(WriteSchema):
    """Commit or discard: only a reason."""


class ScenarioChangeSchema(Schema):
    key = fields.String()
    kind = fields.String()
    project_id = fields.UUID(allow_none=True)
    code = fields.String(allow_none=True)
    days = fields.Integer(allow_none=True)
    cost = fields.Float(allow_none=True)
    must_do = fields.Boolean(allow_none=True)
    budget = fields.Float(allow_none=True)
    role = fields.String(allow_none=True)
    period = fields.String(allow_none=True)
    amount = fields.Float(allow_none=True)


class ScenarioSchema(Schema):
    """A what-if branch of the portfolio; its events are kept apart from the live ledger."""

    id = fields.UUID()
    version = fields.Integer()
    name = fields.String()
    description = fields.String()
    state = fields.String(metadata={"description": "open, committed or discarded"})
    branch_position = fields.Integer(metadata={"description": "the live ledger position it was branched at"})
    branched_at = Timestamp()
    committed_position = fields.Integer(allow_none=True)
    committed_events = fields.Integer()
    changes = fields.List(fields.Nested(ScenarioChangeSchema))


class ScenarioSideSchema(Schema):
    feasible = fields.Boolean()
    value = fields.Float()
    cost = fields.Float()
    budget = fields.Float(allow_none=True)
    binding = fields.List(fields.String())
    exceeded_by_must_dos = fields.List(fields.String())
    chosen = fields.List(fields.String())
    left_out = fields.List(fields.String())


class ScenarioMonthSchema(Schema):
    month = fields.String()
    live_cost = fields.Float()
    scenario_cost = fields.Float()


class ScenarioCapacityRowSchema(Schema):
    role = fields.String()
    period = fields.String()
    live_demand = fields.Float()
    live_capacity = fields.Float(allow_none=True)
    scenario_demand = fields.Float()
    scenario_capacity = fields.Float(allow_none=True)


class ScenarioSinceSchema(Schema):
    position = fields.Integer()
    occurred_at = Timestamp()
    topic = fields.String()
    actor = fields.String(allow_none=True)
    reason = fields.String()
    about = fields.String()


class ScenarioComparisonSchema(Schema):
    """The scenario evaluated now, on the current live portfolio, beside the live one."""

    live = fields.Nested(ScenarioSideSchema)
    scenario = fields.Nested(ScenarioSideSchema)
    moved_in = fields.List(fields.String())
    moved_out = fields.List(fields.String())
    notes = fields.List(fields.String())
    capacity_source = fields.String()
    months = fields.List(fields.Nested(ScenarioMonthSchema))
    unscheduled = fields.Dict(keys=fields.String(), values=fields.Float())
    capacity = fields.List(fields.Nested(ScenarioCapacityRowSchema))
    since_branch = fields.List(fields.Nested(ScenarioSinceSchema))


class RoadmapMilestoneSchema(Schema):
    name = fields.String()
    date = fields.Date()
    baseline = fields.Date()
    achieved = fields.Boolean()
    slipping = fields.Boolean()


class RoadmapProjectSchema(Schema):
    code = fields.String()
    name = fields.String()
    stage = fields.String()
    start = fields.Date()
    end = fields.Date()
    forecast_end = fields.Date(allow_none=True)
    milestones = fields.List(fields.Nested(RoadmapMilestoneSchema))


class RoadmapProgrammeSchema(Schema):
    code = fields.String()
    name = fields.String()
    projects = fields.List(fields.Nested(RoadmapProjectSchema))


class RoadmapUndatedSchema(Schema):
    code = fields.String()
    name = fields.String()
    stage = fields.String()


class RoadmapSchema(Schema):
    """Projects by programme with their bars and milestones, as of the moment asked."""

    programmes = fields.List(fields.Nested(RoadmapProgrammeSchema))
    first = fields.Date(allow_none=True)
    last = fields.Date(allow_none=True)
    undated = fields.List(fields.Nested(RoadmapUndatedSchema))


class BubbleSchema(Schema):
    code = fields.String()
    name = fields.String()
    stage = fields.String()
    value = fields.Float()
    risk = fields.Float()
    cost = fields.Float(allow_none=True)


class BubblesSchema(Schema):
    """Value against risk (both 0-5), size by cost; ``source`` says where risk was read."""

    source = fields.String()
    points = fields.List(fields.Nested(BubbleSchema))
    unplaced = fields.List(fields.String())


class RollupRowSchema(Schema):
    code = fields.String()
    name = fields.String()
    projects = fields.Integer()
    rag = fields.Dict(keys=fields.String(), values=fields.Integer())
    milestones = fields.Integer()
    slipping = fields.Integer()
    overdue = fields.Integer()
    budget = fields.Float()
    estimated = fields.Integer()


class RollupSchema(Schema):
    """Open projects by programme: RAG counts, slipping milestones, estimated budget."""

    programmes = fields.List(fields.Nested(RollupRowSchema))
    total = fields.Nested(RollupRowSchema)
    today = fields.Date()
