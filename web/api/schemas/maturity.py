"""The maturity model, self-assessments, recommendations, and switching plugins with their
dependencies."""
from __future__ import annotations

from marshmallow import Schema, fields

from core.maturity import DOMAINS
from web.api.schemas.admin import PluginSchema
from web.api.schemas.common import ReasonSchema, Timestamp


class PluginEnableSchema(ReasonSchema):
    """Enable a plugin; with ``with_dependencies``, also the disabled plugins it needs."""

    with_dependencies = fields.Boolean(load_default=False, metadata={
        "description": "also enable the disabled plugins it needs (else such a request is refused, 422)"})


class PluginDisableSchema(ReasonSchema):
    """Disable a plugin; with ``with_dependants``, also the enabled plugins that need it."""

    with_dependants = fields.Boolean(load_default=False, metadata={
        "description": "also disable the enabled plugins that need it (else such a request is refused, 422)"})


class PluginSwitchedSchema(PluginSchema):
    """The plugin after the switch, with what the switch did."""

    changed = fields.List(fields.String(), metadata={"description": "every plugin switched, in order"})
    events_read = fields.Integer(metadata={
        "description": "ledger records read to build the enabled plugins' read models"})


class MaturityOptionSchema(Schema):
    key = fields.String()
    label = fields.String()
    level = fields.Integer()


class MaturityQuestionSchema(Schema):
    key = fields.String()
    domain = fields.String()
    text = fields.String()
    options = fields.List(fields.Nested(MaturityOptionSchema))


class MaturityLevelSchema(Schema):
    number = fields.Integer()
    name = fields.String()
    summary = fields.String()
    meaning = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "what the level looks like, by domain"})


class MaturityModelSchema(Schema):
    """The maturity model: domains, the five levels and the self-assessment's questions."""

    domains = fields.List(fields.String())
    levels = fields.List(fields.Nested(MaturityLevelSchema))
    questions = fields.List(fields.Nested(MaturityQuestionSchema))


def _levels() -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), metadata={
        "description": f"level 1-5 by domain ({', '.join(DOMAINS)}); null: not assessed"})


class MaturityAssessmentSchema(Schema):
    """One recorded self-assessment: the answers, and the levels concluded from them then."""

    position = fields.Integer(metadata={"description": "its position in the ledger"})
    occurred_at = Timestamp()
    actor = fields.String()
    reason = fields.String()
    answers = fields.Dict(keys=fields.String(), values=fields.String())
    levels = _levels()
    model_version = fields.Integer()


class MaturityRecommendationSchema(Schema):
    """A plugin to enable next, and why."""

    plugin = fields.String()
    title = fields.String()
    level = fields.Integer()
    domain = fields.String()
    reasons = fields.List(fields.String())
    needs = fields.List(fields.String(), metadata={"description": "disabled plugins it needs, to enable with it"})


class MaturityProfileSchema(Schema):
    """The organisation's maturity: the latest assessment (or none yet) and what to enable next."""

    assessed = fields.Boolean(metadata={"description": "false until the first self-assessment"})
    latest = fields.Nested(MaturityAssessmentSchema, allow_none=True)
    levels = _levels()
    enabled_plugins = fields.List(fields.String())
    recommendations = fields.List(fields.Nested(MaturityRecommendationSchema))


class MaturityAssessmentCreateSchema(ReasonSchema):
    """Answers to the self-assessment: ``{question key: option key}``; unanswered questions
    are left out (see GET /api/maturity/model)."""

    answers = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
