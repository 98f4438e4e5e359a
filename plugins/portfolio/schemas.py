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
