"""The budget register's read model, fed from the ledger: the plugin's own events and the
core's (projects, their stages, published status reports), so that enabled long after the
first project was registered it still shows every project as it was at any moment.

Rows are temporal (``events.temporal``): the current view and an as-of view are one query.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from events import temporal
from events.projections import Projection
from events.temporal import UTCDateTime

projection = Projection("budget")
md = projection.metadata

projects = temporal.temporal_table(
    "budget_projects", md, "project_id",
    sa.Column("project_id", sa.Uuid, nullable=False),
    sa.Column("code", sa.String(40)), sa.Column("name", sa.String(200)), sa.Column("manager", sa.String(100)),
    sa.Column("stage", sa.String(20), default="idea"),
    # The budget: none until one is set (version 0 then, the ETag of "no budget yet").
    sa.Column("version", sa.Integer, default=0), sa.Column("amount", sa.BigInteger),
    sa.Column("currency", sa.String(3)), sa.Column("actual", sa.BigInteger, default=0),
    sa.Column("costs", sa.Integer, default=0),
    # The cost rating of the latest published status report (core data, from before the plugin).
    sa.Column("cost_rag", sa.String(10)), sa.Column("cost_reported_on", sa.Date),
    sa.Column("updated_at", UTCDateTime()), sa.Column("updated_by", sa.String(100)),
)
costs = temporal.temporal_table(
    "budget_costs", md, "position",
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("project_id", sa.Uuid, nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False), sa.Column("incurred_on", sa.Date),
    sa.Column("description", sa.String(200)),
    sa.Column("recorded_at", UTCDateTime()), sa.Column("recorded_by", sa.String(100)),
)
# Which project each budget belongs to (the Revised and CostRecorded events name only the budget).
budgets = sa.Table(
    "budget_ids", md,
    sa.Column("budget_id", sa.Uuid, primary_key=True), sa.Column("project_id", sa.Uuid, nullable=False),
)
# Drafted and revised reports, until published: which project and cost rating they carry.
report_costs = sa.Table(
    "budget_report_costs", md,
    sa.Column("report_id", sa.Uuid, primary_key=True),
    sa.Column("project_id", sa.Uuid, nullable=False),
    sa.Column("cost", sa.String(10)), sa.Column("period_end", sa.Date),
)


def _stamp(event: Any) -> dict[str, Any]:
    return {"updated_at": event.timestamp, "updated_by": event.actor}


# --- the core's events ---------------------------------------------------------------------

@projection.on("core.Project.Registered")
def _registered(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.insert(conn, projects, {
        "project_id": event.originator_id, "code": event.code, "name": event.name, "manager": event.manager,
        "stage": "idea", "version": 0, "actual": 0, "costs": 0, **_stamp(event)}, position)


@projection.on("core.Project.Updated")
def _updated(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.update(conn, projects, event.originator_id, {"name": event.name, "manager": event.manager}, position)


@projection.on("core.Project.StageChanged")
def _stage(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.update(conn, projects, event.originator_id, {"stage": event.stage}, position)


@projection.on("core.StatusReport.Drafted", "core.StatusReport.Revised")
def _report(conn: sa.Connection, position: int, event: Any) -> None:
    values = {"cost": event.cost, "period_end": event.period_end}
    if type(event).TOPIC.endswith("Drafted"):
        conn.execute(report_costs.insert(), {"report_id": event.originator_id, "project_id": event.project_id,
                                             **values})
    else:
        conn.execute(report_costs.update().where(report_costs.c.report_id == event.originator_id).values(values))


@projection.on("core.StatusReport.Published")
def _published(conn: sa.Connection, position: int, event: Any) -> None:
    report = conn.execute(sa.select(report_costs).where(report_costs.c.report_id == event.originator_id)
                          ).mappings().one()
    project = temporal.current_row(conn, projects, report["project_id"])
    # A late report of an earlier period does not replace the latest one.
    if project["cost_reported_on"] is None or report["period_end"] >= project["cost_reported_on"]:
        temporal.update(conn, projects, report["project_id"],
                        {"cost_rag": report["cost"], "cost_reported_on": report["period_end"]}, position)
    conn.execute(report_costs.delete().where(report_costs.c.report_id == event.originator_id))


# --- the plugin's own events ---------------------------------------------------------------

def _project_of(conn: sa.Connection, budget_id: Any) -> Any:
    return conn.execute(sa.select(budgets.c.project_id).where(budgets.c.budget_id == budget_id)).scalar_one()


def _budget_changed(conn: sa.Connection, position: int, event: Any, project_id: Any) -> None:
    temporal.update(conn, projects, project_id, {
        "version": event.originator_version, "amount": event.amount, "currency": event.currency,
        **_stamp(event)}, position)


@projection.on("budget.Budget.Set")
def _set(conn: sa.Connection, position: int, event: Any) -> None:
    conn.execute(budgets.insert(), {"budget_id": event.originator_id, "project_id": event.project_id})
    _budget_changed(conn, position, event, event.project_id)


@projection.on("budget.Budget.Revised")
def _revised(conn: sa.Connection, position: int, event: Any) -> None:
    _budget_changed(conn, position, event, _project_of(conn, event.originator_id))


@projection.on("budget.Budget.CostRecorded")
def _cost(conn: sa.Connection, position: int, event: Any) -> None:
    project_id = _project_of(conn, event.originator_id)
    row = temporal.current_row(conn, projects, project_id)
    temporal.update(conn, projects, project_id, {
        "version": event.originator_version, "actual": row["actual"] + event.amount, "costs": row["costs"] + 1,
        **_stamp(event)}, position)
    temporal.insert(conn, costs, {
        "position": position, "project_id": project_id, "amount": event.amount, "incurred_on": event.incurred_on,
        "description": event.description, "recorded_at": event.timestamp, "recorded_by": event.actor}, position)
