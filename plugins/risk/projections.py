"""The risk plugin's read models: temporal tables, so every view can be shown as of a moment.

``risk_risks``        one row per risk, with its latest inherent and residual assessment and
                      its current exposure (residual if assessed, else inherent)
``risk_assessments``  every assessment ever made (the trend chart and the history)
``risk_mitigations``  which core actions mitigate which risk
``risk_issues``       one row per issue
``risk_settings``     the scales in force
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from events import temporal
from events.projections import Projection, entity_columns, event_fields, mirror, row_stamp
from events.temporal import UTCDateTime

projection = Projection("risk")
md = projection.metadata
S, T, D, I = sa.String, sa.Text, sa.Date, sa.Integer


def _assessment_columns(basis: str) -> list[sa.Column]:
    return [sa.Column(f"{basis}_probability", I), sa.Column(f"{basis}_impact", I),
            sa.Column(f"{basis}_score", I), sa.Column(f"{basis}_level", S(10))]


risks = temporal.temporal_table(
    "risk_risks", md, "id", *entity_columns(),
    sa.Column("ref", S(40), index=True), sa.Column("title", S(200)), sa.Column("description", T),
    sa.Column("cause", T), sa.Column("effect", T), sa.Column("category", S(40)),
    sa.Column("owner", S(100), index=True), sa.Column("kind", S(20)),
    sa.Column("scope", S(20)), sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("programme_id", sa.Uuid, index=True),
    sa.Column("proximity", D), sa.Column("review_date", D), sa.Column("identified_on", D),
    sa.Column("status", S(20), default="open"), sa.Column("strategy", S(20), default=""),
    sa.Column("response", T, default=""),
    *_assessment_columns("inherent"), *_assessment_columns("residual"),
    sa.Column("score", I), sa.Column("level", S(10)), sa.Column("assessed_on", D),
    sa.Column("assessments", I, default=0), sa.Column("last_reviewed", D),
    sa.Column("closure", T), sa.Column("closed_on", D), sa.Column("issue_id", sa.Uuid),
    filters=(("status", "level", "review_date"),),  # the dashboard's counts of open risks
)
assessments = temporal.temporal_table(
    "risk_assessments", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("risk_id", sa.Uuid, index=True, nullable=False),
    sa.Column("version", I), sa.Column("basis", S(10)), sa.Column("probability", I), sa.Column("impact", I),
    sa.Column("score", I), sa.Column("level", S(10)), sa.Column("assessed_on", D), sa.Column("note", T),
    sa.Column("assessed_by", S(100)), sa.Column("recorded_at", UTCDateTime()),
)
mitigations = temporal.temporal_table(
    "risk_mitigations", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("risk_id", sa.Uuid, index=True, nullable=False),
    sa.Column("action_id", sa.Uuid, index=True, nullable=False),
)
issues = temporal.temporal_table(
    "risk_issues", md, "id", *entity_columns(),
    sa.Column("ref", S(40), index=True), sa.Column("title", S(200)), sa.Column("description", T),
    sa.Column("priority", S(10)), sa.Column("owner", S(100), index=True),
    sa.Column("scope", S(20)), sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("programme_id", sa.Uuid, index=True), sa.Column("raised_on", D),
    sa.Column("risk_id", sa.Uuid), sa.Column("escalation", S(20)),
    sa.Column("status", S(20), default="open"), sa.Column("resolution", T), sa.Column("resolved_on", D),
)
settings = temporal.temporal_table(
    "risk_settings", md, "id", *entity_columns(),
    sa.Column("probability_labels", sa.JSON), sa.Column("impact_labels", sa.JSON),
    sa.Column("medium", I), sa.Column("high", I), sa.Column("critical", I),
)

mirror(projection, risks, "risk.Risk.Identified", {
    "risk.Risk.Updated": None,
    "risk.Risk.ResponsePlanned": None,
    "risk.Risk.Closed": lambda e: {"status": "closed"},
    "risk.Risk.Materialised": lambda e: {"status": "materialised"},
})
mirror(projection, issues, "risk.Issue.Raised", {
    "risk.Issue.Updated": None,
    "risk.Issue.Escalated": None,
    "risk.Issue.Resolved": lambda e: {"status": "resolved"},
}, on_create=lambda e: {"escalation": e.scope})
mirror(projection, settings, "risk.RiskSettings.Configured", {"risk.RiskSettings.ScalesChanged": None})


@projection.on("risk.Risk.Assessed")
def _assessed(conn: sa.Connection, position: int, event: Any) -> None:
    fields = event_fields(event)
    basis = fields["basis"]
    temporal.insert(conn, assessments, {
        **fields, "key": f"{event.originator_id}:{event.originator_version}", "risk_id": event.originator_id,
        "version": event.originator_version, "assessed_by": event.actor, "recorded_at": event.timestamp,
    }, position)
    row = temporal.current_row(conn, risks, event.originator_id)
    changes = {f"{basis}_{k}": fields[k] for k in ("probability", "impact", "score", "level")}
    # The current exposure: after the response once that is assessed, before it until then.
    if basis == "residual" or row["residual_score"] is None:
        changes.update(score=fields["score"], level=fields["level"])
    changes.update(assessed_on=fields["assessed_on"], assessments=(row["assessments"] or 0) + 1,
                   **row_stamp(event))
    temporal.update(conn, risks, event.originator_id, changes, position)


@projection.on("risk.Risk.MitigationLinked")
def _mitigation_linked(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.insert(conn, mitigations, {"key": f"{event.originator_id}:{event.action_id}",
                                        "risk_id": event.originator_id, "action_id": event.action_id}, position)
    temporal.update(conn, risks, event.originator_id, row_stamp(event), position)


@projection.on("risk.Risk.Reviewed")
def _reviewed(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.update(conn, risks, event.originator_id, {
        "review_date": event.review_date, "last_reviewed": event.reviewed_on, **row_stamp(event)}, position)
