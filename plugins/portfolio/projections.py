"""The portfolio plugin's read models: temporal tables, so rankings and selections can be
shown as of any moment, also before the plugin was enabled (enabling builds them from the
whole ledger; the projects themselves are the core's temporal rows).

``portfolio_criteria``    one row per criterion: weight, objective, who changed it last and why
``portfolio_scores``      one row per project and criterion: score, rationale, by whom, why
``portfolio_appraisals``  one row per project: cost, must-do, demands (JSON text)
``portfolio_envelope``    the budget and capacities (JSON text)
``portfolio_objectives``  the benefits plugin's objectives, read from its events (its contract)
``portfolio_benefits``    their benefits' references
``portfolio_links``       benefit -> objective and benefit -> project, from the same events
``portfolio_risks``       the risk plugin's risks: project, open or not, latest score (residual first)
``portfolio_risk_scale``  the top score of its scales (probability x impact), for a 0-5 risk axis
``portfolio_risks``       the risk plugin's risks: project, open or not, latest score (residual first)
``portfolio_risk_scale``  the top score of its scales (probability x impact labels)

Benefits' events are in the ledger whether or not that plugin is on, so strategic alignment
reads the same at every position; with no benefits events the two last tables stay empty.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from events import temporal
from events.projections import Projection, entity_columns, row_stamp
from plugins.benefits.domain import Benefit, Objective

projection = Projection("portfolio")
md = projection.metadata
S, T, F = sa.String, sa.Text, sa.Float

criteria = temporal.temporal_table(
    "portfolio_criteria", md, "id", *entity_columns(),
    sa.Column("ref", S(40), index=True), sa.Column("name", S(200)), sa.Column("description", T),
    sa.Column("weight", F), sa.Column("objective_id", sa.Uuid), sa.Column("reason", T),
)
scores = temporal.temporal_table(
    "portfolio_scores", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("project_id", sa.Uuid, index=True, nullable=False),
    sa.Column("criterion_id", sa.Uuid, index=True, nullable=False), sa.Column("score", sa.Integer),
    sa.Column("rationale", T), sa.Column("scored_by", S(100)), sa.Column("reason", T),
    sa.Column("scored_at", temporal.UTCDateTime()),
)
appraisals = temporal.temporal_table(
    "portfolio_appraisals", md, "project_id",
    sa.Column("project_id", sa.Uuid, nullable=False), sa.Column("version", sa.Integer),
    sa.Column("cost", F), sa.Column("must_do", sa.Boolean, default=False), sa.Column("demands", T, default="[]"),
)
envelope = temporal.temporal_table(
    "portfolio_envelope", md, "id",
    sa.Column("id", sa.Uuid, nullable=False), sa.Column("version", sa.Integer), sa.Column("budget", F),
    sa.Column("capacities", T, default="[]"), sa.Column("updated_by", S(100)), sa.Column("reason", T),
)
objectives = temporal.temporal_table(
    "portfolio_objectives", md, "id",
    sa.Column("id", sa.Uuid, nullable=False), sa.Column("ref", S(40)), sa.Column("title", S(200)),
)
benefits = temporal.temporal_table(
    "portfolio_benefits", md, "id", sa.Column("id", sa.Uuid, nullable=False), sa.Column("ref", S(40)),
)
links = temporal.temporal_table(
    "portfolio_links", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("benefit_id", sa.Uuid, index=True, nullable=False),
    sa.Column("benefit_ref", S(40)), sa.Column("kind", S(10), nullable=False),
    sa.Column("target_id", sa.Uuid, index=True, nullable=False),
)


# --- criteria -----------------------------------------------------------------------------------

@projection.on("portfolio.Criterion.Defined")
def _defined(conn, position, event):
    temporal.insert(conn, criteria, {
        "id": event.originator_id, "ref": event.ref, "name": event.name, "description": event.description,
        "weight": event.weight, "objective_id": event.objective_id, "reason": event.reason,
        "created_at": event.timestamp, "created_by": event.actor, **row_stamp(event)}, position)


@projection.on("portfolio.Criterion.Described")
def _described(conn, position, event):
    temporal.update(conn, criteria, event.originator_id, {
        "name": event.name, "description": event.description, "reason": event.reason, **row_stamp(event)}, position)


@projection.on("portfolio.Criterion.Reweighted")
def _reweighted(conn, position, event):
    temporal.update(conn, criteria, event.originator_id,
                    {"weight": event.weight, "reason": event.reason, **row_stamp(event)}, position)


# --- appraisals and the envelope ------------------------------------------------------------------

@projection.on("portfolio.Appraisal.Opened")
def _opened(conn, position, event):
    temporal.insert(conn, appraisals, {"project_id": event.project_id, "version": event.originator_version,
                                       "cost": None, "must_do": False, "demands": "[]"}, position)


@projection.on("portfolio.Appraisal.Scored")
def _scored(conn, position, event):
    project_id = event.project_id
    key = f"{project_id}:{event.criterion_id}"
    row = {"project_id": project_id, "criterion_id": event.criterion_id, "score": event.score,
           "rationale": event.rationale, "scored_by": event.actor, "reason": event.reason,
           "scored_at": event.timestamp}
    if temporal.current_row(conn, scores, key) is None:
        temporal.insert(conn, scores, {"key": key, **row}, position)
    else:
        temporal.update(conn, scores, key, row, position)


@projection.on("portfolio.Appraisal.Estimated")
def _estimated(conn, position, event):
    temporal.update(conn, appraisals, event.project_id, {
        "version": event.originator_version, "cost": event.cost, "must_do": event.must_do,
        "demands": json.dumps(event.demands)}, position)


@projection.on("portfolio.Envelope.Opened")
def _envelope_opened(conn, position, event):
    temporal.insert(conn, envelope, {"id": event.originator_id, "version": event.originator_version,
                                     "budget": None, "capacities": "[]", "updated_by": event.actor,
                                     "reason": event.reason}, position)


@projection.on("portfolio.Envelope.Set")
def _envelope_set(conn, position, event):
    temporal.update(conn, envelope, event.originator_id, {
        "version": event.originator_version, "budget": event.budget, "capacities": json.dumps(event.capacities),
        "updated_by": event.actor, "reason": event.reason}, position)


# --- strategic alignment, from the benefits plugin's events -----------------------------------

@projection.on(f"{Objective.TOPIC}.Defined", f"{Objective.TOPIC}.Updated")
def _objective(conn, position, event):
    row = {"ref": getattr(event, "ref", None), "title": event.title}
    if temporal.current_row(conn, objectives, event.originator_id) is None:
        temporal.insert(conn, objectives, {"id": event.originator_id, **row}, position)
    else:
        temporal.update(conn, objectives, event.originator_id, {"title": event.title}, position)


@projection.on(f"{Benefit.TOPIC}.Registered")
def _benefit(conn, position, event):
    temporal.insert(conn, benefits, {"id": event.originator_id, "ref": event.ref}, position)


def _link(kind: str, attr: str, linked: bool):
    def handler(conn, position, event):
        target = getattr(event, attr)
        key = f"{event.originator_id}:{target}"
        if linked and temporal.current_row(conn, links, key) is None:
            benefit = temporal.current_row(conn, benefits, event.originator_id)
            temporal.insert(conn, links, {"key": key, "benefit_id": event.originator_id,
                                          "benefit_ref": benefit["ref"] if benefit else "",
                                          "kind": kind, "target_id": target}, position)
        elif not linked and temporal.current_row(conn, links, key) is not None:
            temporal.close(conn, links, key, position)
    return handler


projection.on(f"{Benefit.TOPIC}.ObjectiveLinked")(_link("objective", "objective_id", True))
projection.on(f"{Benefit.TOPIC}.ObjectiveUnlinked")(_link("objective", "objective_id", False))
projection.on(f"{Benefit.TOPIC}.ProjectLinked")(_link("project", "project_id", True))
projection.on(f"{Benefit.TOPIC}.ProjectUnlinked")(_link("project", "project_id", False))


# --- risk exposure, from the risk plugin's events (its contract) ---------------------------

risks = temporal.temporal_table(
    "portfolio_risks", md, "id",
    sa.Column("id", sa.Uuid, nullable=False), sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("open", sa.Boolean, default=True), sa.Column("score", sa.Integer),
    sa.Column("basis", S(20)),
)
risk_scale = temporal.temporal_table(
    "portfolio_risk_scale", md, "id", sa.Column("id", sa.Uuid, nullable=False), sa.Column("max_score", sa.Integer),
)


@projection.on("risk.Risk.Identified")
def _risk_identified(conn, position, event):
    temporal.insert(conn, risks, {"id": event.originator_id, "project_id": event.project_id, "open": True,
                                  "score": None, "basis": None}, position)


@projection.on("risk.Risk.Assessed")
def _risk_assessed(conn, position, event):
    # The residual assessment (after the response) is the exposure; the inherent one stands
    # in until there is a residual one.
    row = temporal.current_row(conn, risks, event.originator_id)
    if row is not None and (event.basis == "residual" or row["basis"] != "residual"):
        temporal.update(conn, risks, event.originator_id, {"score": event.score, "basis": event.basis}, position)


@projection.on("risk.Risk.Closed", "risk.Risk.Materialised")
def _risk_ended(conn, position, event):
    if temporal.current_row(conn, risks, event.originator_id) is not None:
        temporal.update(conn, risks, event.originator_id, {"open": False}, position)


@projection.on("risk.RiskSettings.Configured", "risk.RiskSettings.ScalesChanged")
def _risk_scale(conn, position, event):
    top = len(event.probability_labels) * len(event.impact_labels)
    if temporal.current_row(conn, risk_scale, event.originator_id) is None:
        temporal.insert(conn, risk_scale, {"id": event.originator_id, "max_score": top}, position)
    else:
        temporal.update(conn, risk_scale, event.originator_id, {"max_score": top}, position)
