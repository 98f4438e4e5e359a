"""The core's read models: what pages and API lists read (never by replaying aggregates).

Every table is temporal (see ``events.temporal``), so any page can be shown as of a past
log position with the same query.
"""
from __future__ import annotations

import sqlalchemy as sa

from events import temporal
from events.temporal import UTCDateTime
from events.projections import Projection, entity_columns, event_fields, mirror

projection = Projection("core")
md = projection.metadata
S = sa.String
T = sa.Text


def _table(name: str, *columns: sa.Column, key: str = "id", filters: tuple[tuple[str, ...], ...] = ()) -> sa.Table:
    extra = entity_columns() if key == "id" else []
    return temporal.temporal_table(name, md, key, *extra, *columns, filters=filters)


portfolio = _table("portfolio", sa.Column("name", S(200)), sa.Column("description", T))
programmes = _table(
    "programmes",
    sa.Column("code", S(40), index=True), sa.Column("name", S(200)), sa.Column("description", T),
    sa.Column("sponsor", S(100)), sa.Column("manager", S(100)),
    sa.Column("closed", sa.Boolean, default=False),
)
projects = _table(
    "projects",
    sa.Column("code", S(40), index=True), sa.Column("name", S(200)), sa.Column("description", T),
    sa.Column("sponsor", S(100)), sa.Column("manager", S(100), index=True),
    sa.Column("programme_id", sa.Uuid, index=True),
    sa.Column("start_date", sa.Date), sa.Column("end_date", sa.Date),
    sa.Column("stage", S(20), default="idea", index=True), sa.Column("gate_decision", T),
    # The latest published status report, kept on the project so lists need no join.
    sa.Column("overall", S(10)), sa.Column("progress_pct", sa.Integer), sa.Column("last_report", sa.Date),
    # The dashboard's counts by stage, RAG and report due, read from the index alone.
    filters=(("stage", "overall", "last_report"),),
)
# Project pages are found by code, whatever its case (core.queries.get_project).
sa.Index("ix_projects_lower_code", sa.func.lower(projects.c.code), projects.c.valid_to)
stage_changes = sa.Table(
    "project_stage_changes", md,
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("project_id", sa.Uuid, index=True, nullable=False),
    sa.Column("from_stage", S(20)), sa.Column("stage", S(20)), sa.Column("gate_decision", T),
    sa.Column("actor", S(100)), sa.Column("reason", T),
    sa.Column("occurred_at", UTCDateTime()),
)
status_reports = _table(
    "status_reports",
    sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("period_start", sa.Date), sa.Column("period_end", sa.Date),
    *(sa.Column(rag, S(10)) for rag in ("overall", "schedule", "cost", "scope")),
    sa.Column("summary", T), sa.Column("progress_pct", sa.Integer),
    sa.Column("published", sa.Boolean, default=False),
    sa.Column("published_at", UTCDateTime()), sa.Column("published_by", S(100)),
)
milestones = _table(
    "milestones",
    sa.Column("project_id", sa.Uuid, index=True), sa.Column("name", S(200)),
    sa.Column("description", T), sa.Column("baseline_date", sa.Date),
    sa.Column("forecast_date", sa.Date), sa.Column("actual_date", sa.Date),
    filters=(("actual_date", "forecast_date", "baseline_date"),),  # slipping milestones
)
decisions = _table(
    "decisions",
    sa.Column("project_id", sa.Uuid, index=True), sa.Column("title", S(200)),
    sa.Column("decision", T), sa.Column("rationale", T), sa.Column("decided_by", S(100)),
    sa.Column("decided_on", sa.Date), sa.Column("superseded_by", sa.Uuid),
)
actions = _table(
    "actions",
    sa.Column("project_id", sa.Uuid, index=True), sa.Column("title", S(200)),
    sa.Column("owner", S(100), index=True), sa.Column("due_date", sa.Date),
    sa.Column("description", T), sa.Column("status", S(20), default="open"),
    sa.Column("priority", S(10), default="normal"),
    sa.Column("outcome", T), sa.Column("closed_at", UTCDateTime()),
    filters=(("status", "due_date"),),  # overdue actions
)
users = _table(
    "users",
    sa.Column("username", S(100), index=True), sa.Column("display_name", S(200)),
    sa.Column("email", S(200)), sa.Column("role", S(20)), sa.Column("password_hash", S(300)),
    sa.Column("active", sa.Boolean, default=True),
)
api_tokens = _table(
    "api_tokens",
    sa.Column("token_id", S(40), nullable=False), sa.Column("user_id", sa.Uuid),
    sa.Column("token_hash", S(128), index=True), sa.Column("label", S(200)),
    sa.Column("issued_at", UTCDateTime()),
    key="token_id",
)
plugin_states = _table(
    "plugin_states",
    sa.Column("name", S(100), nullable=False), sa.Column("enabled", sa.Boolean),
    sa.Column("changed_by", S(100)), sa.Column("changed_at", UTCDateTime()),
    sa.Column("reason", T),
    key="name",
)

mirror(projection, portfolio, "core.Portfolio.Established", {"core.Portfolio.Renamed": None})
mirror(projection, programmes, "core.Programme.Registered", {
    "core.Programme.Updated": None,
    "core.Programme.Closed": lambda e: {"closed": True},
})
mirror(projection, projects, "core.Project.Registered", {
    "core.Project.Updated": None,
})
mirror(projection, status_reports, "core.StatusReport.Drafted", {
    "core.StatusReport.Revised": None,
    "core.StatusReport.Published": lambda e: {
        "published": True, "published_at": e.timestamp, "published_by": e.actor},
})
mirror(projection, milestones, "core.Milestone.Planned", {
    "core.Milestone.Reforecast": None,
    "core.Milestone.Achieved": lambda e: {"forecast_date": e.actual_date},
    "core.Milestone.Rebaselined": None,
}, on_create=lambda e: {"forecast_date": e.baseline_date})
mirror(projection, decisions, "core.Decision.Recorded", {"core.Decision.Superseded": None})
_closed = lambda status: lambda e: {"status": status, "closed_at": e.timestamp}  # noqa: E731
mirror(projection, actions, "core.Action.Assigned", {
    "core.Action.Updated": None,
    "core.Action.Closed": _closed("done"),
    "core.Action.Cancelled": _closed("cancelled"),
    "core.Action.Reopened": lambda e: {"status": "open", "closed_at": None, "outcome": ""},
})
mirror(projection, users, "core.User.Created", {
    "core.User.RoleChanged": None,
    "core.User.PasswordChanged": None,
    "core.User.Deactivated": lambda e: {"active": False},
    "core.User.Reactivated": lambda e: {"active": True},
})


@projection.on("core.Project.StageChanged")
def _stage_changed(conn: sa.Connection, position: int, event) -> None:
    temporal.update(conn, projects, event.originator_id, {
        "stage": event.stage, "gate_decision": event.gate_decision,
        "version": event.originator_version, "updated_at": event.timestamp,
        "updated_by": event.actor}, position)
    temporal.append(conn, stage_changes, dict(
        position=position, project_id=event.originator_id, from_stage=event.from_stage,
        stage=event.stage, gate_decision=event.gate_decision, actor=event.actor,
        reason=event.reason, occurred_at=event.timestamp))


@projection.on("core.StatusReport.Published")
def _report_published(conn: sa.Connection, position: int, event) -> None:
    """A newly published report becomes the project's latest unless it covers an older period."""
    report = temporal.current_row(conn, status_reports, event.originator_id)
    project = temporal.current_row(conn, projects, report["project_id"])
    if project["last_report"] is None or report["period_end"] >= project["last_report"]:
        temporal.update(conn, projects, report["project_id"], {
            "overall": report["overall"], "progress_pct": report["progress_pct"],
            "last_report": report["period_end"]}, position)


@projection.on("core.User.TokenIssued")
def _token_issued(conn: sa.Connection, position: int, event) -> None:
    temporal.update(conn, users, event.originator_id, {"version": event.originator_version}, position)
    temporal.insert(conn, api_tokens, {**event_fields(event), "user_id": event.originator_id,
                                       "issued_at": event.timestamp}, position)


@projection.on("core.User.TokenRevoked")
def _token_revoked(conn: sa.Connection, position: int, event) -> None:
    temporal.update(conn, users, event.originator_id, {"version": event.originator_version}, position)
    temporal.close(conn, api_tokens, event.token_id, position)


@projection.on("core.Settings.PluginEnabled", "core.Settings.PluginDisabled")
def _plugin_changed(conn: sa.Connection, position: int, event) -> None:
    temporal.close(conn, plugin_states, event.name, position)
    temporal.insert(conn, plugin_states, {
        "name": event.name, "enabled": type(event).TOPIC.endswith("Enabled"),
        "changed_by": event.actor, "changed_at": event.timestamp, "reason": event.reason,
    }, position)
