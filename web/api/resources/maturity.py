"""/api/maturity: the maturity model, the organisation's profile over time, and which plugins
to enable next.

GET  /api/maturity                  the latest profile, the enabled plugins, recommendations
GET  /api/maturity/model            domains, levels and the self-assessment's questions
GET  /api/maturity/history          every recorded assessment, oldest first
POST /api/maturity/assessments      record a self-assessment (admins); answers the new profile
"""
from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView

from core.maturity import DOMAINS, LEVELS, QUESTIONS
from core.permissions import can_administer
from core.pmo import PMO
from core.services import maturity as service
from web.api.resources._http import as_of, as_of_args, reads, reason, resource_blueprint, writes
from web.api.schemas.maturity import (
    MaturityAssessmentCreateSchema, MaturityAssessmentSchema, MaturityModelSchema, MaturityProfileSchema,
)
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("maturity", __name__,
                         "Maturity: the self-assessment, the profile over time, and the plugins to enable next.")


def _profile(pmo: PMO, at: int | None = None) -> dict:
    latest = service.current_profile(pmo, at)
    return {
        "assessed": latest is not None,
        "latest": latest,
        "levels": latest["levels"] if latest else {domain: None for domain in DOMAINS},
        "enabled_plugins": sorted(pmo.enabled_plugins(at)),
        "recommendations": [asdict(r) for r in service.recommendations(pmo, at)],
    }


@blp.route("/maturity")
class Maturity(MethodView):
    @reads(blp)
    @as_of_args(blp)
    @blp.response(200, MaturityProfileSchema)
    def get(self, args):
        """Show the maturity profile (or, as_of, as it was) and the plugins to enable next."""
        return _profile(current_pmo(), as_of(args))


@blp.route("/maturity/model")
class MaturityModel(MethodView):
    @reads(blp)
    @as_of_args(blp)
    @blp.response(200, MaturityModelSchema)
    def get(self, args):
        """Describe the maturity model: its domains, five levels and the self-assessment."""
        as_of(args)  # the model is the code's, the same at every moment; as_of is taken as everywhere
        return {"domains": list(DOMAINS), "levels": [asdict(level) for level in LEVELS],
                "questions": [asdict(question) for question in QUESTIONS]}


@blp.route("/maturity/history")
class MaturityHistory(MethodView):
    @reads(blp)
    @as_of_args(blp)
    @blp.response(200, MaturityAssessmentSchema(many=True))
    def get(self, args):
        """List every recorded self-assessment, oldest first: the profile over time."""
        return service.maturity_history(current_pmo(), as_of(args))


@blp.route("/maturity/assessments")
class Assessments(MethodView):
    @writes(blp, can_administer)
    @blp.arguments(MaturityAssessmentCreateSchema)
    @blp.response(201, MaturityProfileSchema)
    def post(self, body):
        """Record a self-assessment; answers the new profile and what to enable next."""
        with command(reason(body)) as pmo:
            service.assess_maturity(pmo, body["answers"])
        return _profile(pmo)
