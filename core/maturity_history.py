"""The maturity profile's read model: one row per self-assessment, oldest first.

A core read model, so its table belongs to the core projection (built, rebuilt and tracked
with the others). Assessments are never changed, only followed by new ones, so a row needs no
validity range: "as of" log position ``p`` means the rows recorded at or before ``p``.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.maturity import DOMAINS
from core.projections import projection
from events.temporal import UTCDateTime

assessments = sa.Table(
    "maturity_assessments",
    projection.metadata,
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Column("actor", sa.String(100)),
    sa.Column("reason", sa.Text),
    sa.Column("answers", sa.JSON, nullable=False),
    *(sa.Column(f"{domain}_level", sa.Integer) for domain in DOMAINS),
    sa.Column("model_version", sa.Integer, nullable=False),
)


@projection.on("core.MaturityProfile.Assessed")
def _assessed(conn: sa.Connection, position: int, event: Any) -> None:
    conn.execute(assessments.insert(), {
        "position": position, "occurred_at": event.timestamp, "actor": event.actor, "reason": event.reason,
        "answers": dict(event.answers), "model_version": event.model_version,
        **{f"{domain}_level": event.levels.get(domain) for domain in DOMAINS},
    })


def _row(row: Any) -> dict[str, Any]:
    values = dict(row)
    values["levels"] = {domain: values.pop(f"{domain}_level") for domain in DOMAINS}
    return values


def history(conn: sa.Connection, at: int | None = None) -> list[dict[str, Any]]:
    """Every assessment recorded up to log position ``at`` (None: now), oldest first."""
    stmt = sa.select(assessments).order_by(assessments.c.position)
    if at is not None:
        stmt = stmt.where(assessments.c.position <= at)
    return [_row(r) for r in conn.execute(stmt).mappings()]


def latest(conn: sa.Connection, at: int | None = None) -> dict[str, Any] | None:
    stmt = sa.select(assessments).order_by(assessments.c.position.desc()).limit(1)
    if at is not None:
        stmt = stmt.where(assessments.c.position <= at)
    row = conn.execute(stmt).mappings().first()
    return _row(row) if row else None
