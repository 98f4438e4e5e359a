"""The benefits plugin's read models: temporal tables, so every view can be shown as of a moment.

``benefits_objectives``    one row per strategic objective
``benefits_benefits``      one row per benefit, with its latest measurement and its hand-over
``benefits_measurements``  every measurement ever recorded (the curve, the history)
``benefits_links``         benefit -> objective and benefit -> enabling project (with its output)
``benefits_projects``      each project's code and stage, as this projection has seen them

The closure policy lives here. When a project moves to "closed" (``core.Project.StageChanged``)
every open benefit it enables whose enabling projects are now all closed or cancelled is
*handed over*: it stays open and measurable, and its measurement owner becomes its named
post-project owner (its owner when none was named). The project stages are kept in this
projection's own table, so a rebuild, or enabling the plugin years later, gives the same
answer at every position. A PMO can name someone else at any time (``Benefit.HandedOver``).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from events import temporal
from events.projections import Projection, entity_columns, event_fields, mirror, row_stamp
from events.temporal import UTCDateTime, visible

projection = Projection("benefits")
md = projection.metadata
S, T, D, I, F = sa.String, sa.Text, sa.Date, sa.Integer, sa.Float

objectives = temporal.temporal_table(
    "benefits_objectives", md, "id", *entity_columns(),
    sa.Column("ref", S(40), index=True), sa.Column("title", S(200)), sa.Column("description", T),
    sa.Column("owner", S(100)), sa.Column("period_start", D), sa.Column("period_end", D),
)
benefits = temporal.temporal_table(
    "benefits_benefits", md, "id", *entity_columns(),
    sa.Column("ref", S(40), index=True), sa.Column("title", S(200)), sa.Column("description", T),
    sa.Column("owner", S(100), index=True), sa.Column("kind", S(20)), sa.Column("category", S(20)),
    sa.Column("benefit_type", S(40)), sa.Column("indicator", S(200)), sa.Column("unit", S(40)),
    sa.Column("baseline_value", F), sa.Column("baseline_date", D), sa.Column("target_value", F),
    sa.Column("target_date", D), sa.Column("frequency", S(20)), sa.Column("post_project_owner", S(100)),
    sa.Column("status", S(20), default="open"), sa.Column("outcome", S(20)), sa.Column("closure", T),
    sa.Column("closed_on", D), sa.Column("measurements", I, default=0), sa.Column("latest_on", D),
    sa.Column("latest_value", F), sa.Column("measurement_owner", S(100)),
    sa.Column("handed_over", sa.Boolean, default=False), sa.Column("handed_over_on", D),
    sa.Column("handover_note", T),
)
measurements = temporal.temporal_table(
    "benefits_measurements", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("benefit_id", sa.Uuid, index=True, nullable=False),
    sa.Column("measured_on", D), sa.Column("value", F), sa.Column("note", T),
    sa.Column("measured_by", S(100)), sa.Column("recorded_at", UTCDateTime()),
)
links = temporal.temporal_table(
    "benefits_links", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("benefit_id", sa.Uuid, index=True, nullable=False),
    sa.Column("kind", S(10), nullable=False), sa.Column("target_id", sa.Uuid, index=True, nullable=False),
    sa.Column("output", T),
)
projects = temporal.temporal_table(
    "benefits_projects", md, "id",
    sa.Column("id", sa.Uuid, nullable=False), sa.Column("code", S(40)), sa.Column("stage", S(20)),
)

mirror(projection, objectives, "benefits.Objective.Defined", {"benefits.Objective.Updated": None})
mirror(projection, benefits, "benefits.Benefit.Registered", {
    "benefits.Benefit.Updated": None,
    "benefits.Benefit.Closed": lambda e: {"status": "closed", "closure": e.note},
})


def _link(conn: sa.Connection, position: int, event: Any, kind: str, target: Any, output: str = "") -> None:
    temporal.insert(conn, links, {"key": f"{event.originator_id}:{target}", "benefit_id": event.originator_id,
                                  "kind": kind, "target_id": target, "output": output}, position)
    temporal.update(conn, benefits, event.originator_id, row_stamp(event), position)


def _unlink(conn: sa.Connection, position: int, event: Any, target: Any) -> None:
    temporal.close(conn, links, f"{event.originator_id}:{target}", position)
    temporal.update(conn, benefits, event.originator_id, row_stamp(event), position)


@projection.on("benefits.Benefit.ObjectiveLinked")
def _objective_linked(conn, position, event):
    _link(conn, position, event, "objective", event.objective_id)


@projection.on("benefits.Benefit.ObjectiveUnlinked")
def _objective_unlinked(conn, position, event):
    _unlink(conn, position, event, event.objective_id)


@projection.on("benefits.Benefit.ProjectLinked")
def _project_linked(conn, position, event):
    _link(conn, position, event, "project", event.project_id, event.output)
    _hand_over_if_done(conn, position, event.originator_id, event.timestamp)


@projection.on("benefits.Benefit.ProjectUnlinked")
def _project_unlinked(conn, position, event):
    _unlink(conn, position, event, event.project_id)
    _hand_over_if_done(conn, position, event.originator_id, event.timestamp)


@projection.on("benefits.Benefit.Measured")
def _measured(conn, position, event):
    temporal.insert(conn, measurements, {
        **event_fields(event), "key": f"{event.originator_id}:{event.originator_version}",
        "benefit_id": event.originator_id, "measured_by": event.actor, "recorded_at": event.timestamp}, position)
    row = temporal.current_row(conn, benefits, event.originator_id)
    changes = {"measurements": (row["measurements"] or 0) + 1, **row_stamp(event)}
    if row["latest_on"] is None or event.measured_on >= row["latest_on"]:  # the latest by its date
        changes.update(latest_on=event.measured_on, latest_value=event.value)
    temporal.update(conn, benefits, event.originator_id, changes, position)


@projection.on("benefits.Benefit.HandedOver")
def _handed_over(conn, position, event):
    temporal.update(conn, benefits, event.originator_id, {
        "measurement_owner": event.measurement_owner, "handed_over": True,
        "handed_over_on": event.timestamp.date(), "handover_note": event.note, **row_stamp(event)}, position)


# --- the closure policy -----------------------------------------------------------------------

@projection.on("core.Project.Registered")
def _project_registered(conn, position, event):
    temporal.insert(conn, projects, {"id": event.originator_id, "code": event.code, "stage": "idea"}, position)


@projection.on("core.Project.StageChanged")
def _stage_changed(conn, position, event):
    if temporal.current_row(conn, projects, event.originator_id) is None:
        return
    temporal.update(conn, projects, event.originator_id, {"stage": event.stage}, position)
    if event.stage not in ("closed", "cancelled"):  # cancelling the last one of several may end them all
        return
    enabled = conn.execute(sa.select(links.c.benefit_id).where(
        visible(links), links.c.kind == "project", links.c.target_id == event.originator_id)).scalars().all()
    for benefit_id in enabled:
        _hand_over_if_done(conn, position, benefit_id, event.timestamp)


def _hand_over_if_done(conn: sa.Connection, position: int, benefit_id: Any, when: Any) -> None:
    """An open benefit not handed over yet, whose enabling projects have all ended (at least
    one of them closed), goes to its post-project owner."""
    row = temporal.current_row(conn, benefits, benefit_id)
    if row is None or row["status"] != "open" or row["handed_over"]:
        return
    stages = conn.execute(sa.select(projects.c.code, projects.c.stage).join(
        links, sa.and_(links.c.target_id == projects.c.id, links.c.kind == "project")).where(
        visible(links), visible(projects), links.c.benefit_id == benefit_id)).all()
    if not stages or any(s not in ("closed", "cancelled") for _, s in stages) or all(s != "closed" for _, s in stages):
        return
    closed = ", ".join(sorted(code for code, s in stages if s == "closed"))
    temporal.update(conn, benefits, benefit_id, {
        "measurement_owner": row["post_project_owner"] or row["owner"], "handed_over": True,
        "handed_over_on": when.date(), "handover_note": f"Project {closed} closed; measured on after the project."},
        position)
