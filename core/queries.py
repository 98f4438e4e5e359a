"""Read-side queries over the core read models. ``at`` is a log position (None: now)."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa

from core.domain.action import is_overdue
from core.pmo import PMO
from core.projections import (
    actions, api_tokens, decisions, milestones, portfolio as portfolio_t, programmes, projects,
    stage_changes, status_reports, users,
)
from events.temporal import visible

Row = dict[str, Any]
PUBLIC = ("row_id", "valid_from", "valid_to")


def _rows(pmo: PMO, stmt: sa.Select) -> list[Row]:
    with pmo.read() as conn:
        result = conn.execute(stmt)
        keys = list(result.keys())
        # Decide once per query which columns to keep, not once per value: lists run to
        # thousands of rows.
        keep = [i for i, k in enumerate(keys) if k not in PUBLIC]
        if len(keep) == len(keys):
            return [dict(zip(keys, row)) for row in result]
        names = [keys[i] for i in keep]
        return [dict(zip(names, [row[i] for i in keep])) for row in result]


def _one(pmo: PMO, stmt: sa.Select) -> Row | None:
    rows = _rows(pmo, stmt.limit(1))
    return rows[0] if rows else None


def _uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _ties(table: sa.Table) -> tuple:
    """Break ties the same way on every store: creation order, then id."""
    return (table.c.created_at, table.c.id)


def portfolio(pmo: PMO, at: int | None = None) -> Row | None:
    return _one(pmo, sa.select(portfolio_t).where(visible(portfolio_t, at)))


def list_programmes(pmo: PMO, at: int | None = None) -> list[Row]:
    return _rows(pmo, sa.select(programmes).where(visible(programmes, at)).order_by(programmes.c.code))


def get_programme(pmo: PMO, programme_id: Any, at: int | None = None) -> Row | None:
    pid = _uuid(programme_id)
    return _one(pmo, sa.select(programmes).where(visible(programmes, at), programmes.c.id == pid)) if pid else None


def list_projects(
    pmo: PMO, at: int | None = None, stage: str | None = None, programme_id: Any = None,
    manager: str | None = None, rag: str | None = None, q: str | None = None,
) -> list[Row]:
    stmt = sa.select(projects).where(visible(projects, at))
    if stage:
        stmt = stmt.where(projects.c.stage == stage)
    if programme_id:
        stmt = stmt.where(projects.c.programme_id == _uuid(programme_id))
    if manager:
        stmt = stmt.where(projects.c.manager == manager)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(projects.c.name).like(like),
                                 sa.func.lower(projects.c.code).like(like)))
    if rag:
        stmt = stmt.where(projects.c.overall == rag)
    return _rows(pmo, stmt.order_by(projects.c.code))


def get_project(pmo: PMO, key: Any, at: int | None = None) -> Row | None:
    """A project by id or by code."""
    pid = _uuid(key)
    cond = projects.c.id == pid if pid else sa.func.lower(projects.c.code) == str(key).lower()
    return _one(pmo, sa.select(projects).where(visible(projects, at), cond))


def stage_history(pmo: PMO, project_id: uuid.UUID, at: int | None = None) -> list[Row]:
    stmt = sa.select(stage_changes).where(stage_changes.c.project_id == project_id)
    if at is not None:
        stmt = stmt.where(stage_changes.c.position <= at)
    return _rows(pmo, stmt.order_by(stage_changes.c.position))


def list_status_reports(pmo: PMO, project_id: Any = None, at: int | None = None,
                        published: bool | None = None) -> list[Row]:
    stmt = sa.select(status_reports).where(visible(status_reports, at))
    if project_id is not None:
        stmt = stmt.where(status_reports.c.project_id == _uuid(project_id))
    if published is not None:
        stmt = stmt.where(status_reports.c.published.is_(published))
    return _rows(pmo, stmt.order_by(status_reports.c.period_end.desc(), *_ties(status_reports)))


def get_status_report(pmo: PMO, report_id: Any, at: int | None = None) -> Row | None:
    rid = _uuid(report_id)
    return _one(pmo, sa.select(status_reports).where(visible(status_reports, at), status_reports.c.id == rid)) if rid else None


def _with_slippage(row: Row) -> Row:
    row["slippage_days"] = ((row["actual_date"] or row["forecast_date"]) - row["baseline_date"]).days
    return row


def list_milestones(pmo: PMO, project_id: Any = None, at: int | None = None) -> list[Row]:
    stmt = sa.select(milestones).where(visible(milestones, at))
    if project_id is not None:
        stmt = stmt.where(milestones.c.project_id == _uuid(project_id))
    return [_with_slippage(r) for r in _rows(pmo, stmt.order_by(milestones.c.baseline_date, *_ties(milestones)))]


def _slipping_milestones(pmo: PMO, at: int | None) -> list[Row]:
    """Open milestones forecast after their baseline (filtered by the database, not here)."""
    stmt = sa.select(milestones).where(visible(milestones, at), milestones.c.actual_date.is_(None),
                                       milestones.c.forecast_date > milestones.c.baseline_date)
    return [_with_slippage(r) for r in _rows(pmo, stmt.order_by(milestones.c.baseline_date, *_ties(milestones)))]


def get_milestone(pmo: PMO, milestone_id: Any, at: int | None = None) -> Row | None:
    mid = _uuid(milestone_id)
    row = _one(pmo, sa.select(milestones).where(visible(milestones, at), milestones.c.id == mid)) if mid else None
    return _with_slippage(row) if row else None


def list_decisions(pmo: PMO, project_id: Any = None, at: int | None = None) -> list[Row]:
    stmt = sa.select(decisions).where(visible(decisions, at))
    if project_id is not None:
        stmt = stmt.where(decisions.c.project_id == _uuid(project_id))
    return _rows(pmo, stmt.order_by(decisions.c.decided_on.desc(), *_ties(decisions)))


def get_decision(pmo: PMO, decision_id: Any, at: int | None = None) -> Row | None:
    did = _uuid(decision_id)
    return _one(pmo, sa.select(decisions).where(visible(decisions, at), decisions.c.id == did)) if did else None


def _with_overdue(row: Row, today: date) -> Row:
    row["overdue"] = is_overdue(row["status"], row["due_date"], today)
    return row


def list_actions(pmo: PMO, project_id: Any = None, owner: str | None = None, status: str | None = None,
                 overdue: bool | None = None, at: int | None = None, today: date | None = None) -> list[Row]:
    today = today or date.today()
    stmt = sa.select(actions).where(visible(actions, at))
    if project_id is not None:
        stmt = stmt.where(actions.c.project_id == _uuid(project_id))
    if owner:
        stmt = stmt.where(actions.c.owner == owner)
    if status:
        stmt = stmt.where(actions.c.status == status)
    late = sa.and_(actions.c.status == "open", actions.c.due_date < today)
    if overdue is not None:
        stmt = stmt.where(late if overdue else sa.not_(late) | actions.c.due_date.is_(None))
    return [_with_overdue(r, today) for r in _rows(pmo, stmt.order_by(actions.c.due_date.asc().nulls_last(), actions.c.title, *_ties(actions)))]


def get_action(pmo: PMO, action_id: Any, at: int | None = None, today: date | None = None) -> Row | None:
    aid = _uuid(action_id)
    row = _one(pmo, sa.select(actions).where(visible(actions, at), actions.c.id == aid)) if aid else None
    return _with_overdue(row, today or date.today()) if row else None


def dashboard(pmo: PMO, at: int | None = None, today: date | None = None) -> Row:
    """The portfolio at a glance: stages, RAG of open projects, overdue actions, slips."""
    today = today or date.today()
    all_projects = list_projects(pmo, at)
    open_projects = [p for p in all_projects if p["stage"] not in ("closed", "cancelled")]
    return {
        "projects": len(all_projects),
        "by_stage": Counter(p["stage"] for p in all_projects),
        "rag": Counter(p["overall"] or "none" for p in open_projects if p["stage"] == "active"),
        "active": [p for p in open_projects if p["stage"] == "active"],
        "overdue_actions": list_actions(pmo, at=at, overdue=True, today=today),
        "slipping_milestones": _slipping_milestones(pmo, at),
    }


# --- users --------------------------------------------------------------------------------

def list_users(pmo: PMO, at: int | None = None) -> list[Row]:
    return _rows(pmo, sa.select(users).where(visible(users, at)).order_by(users.c.username))


def get_user(pmo: PMO, key: Any, at: int | None = None) -> Row | None:
    """A user by id or username."""
    uid = _uuid(key)
    cond = users.c.id == uid if uid else users.c.username == str(key).lower()
    return _one(pmo, sa.select(users).where(visible(users, at), cond))


def user_by_token_hash(pmo: PMO, token_hash: str) -> Row | None:
    stmt = (
        sa.select(users)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(visible(users), visible(api_tokens), api_tokens.c.token_hash == token_hash)
    )
    return _one(pmo, stmt)


def list_tokens(pmo: PMO, user_id: uuid.UUID, at: int | None = None) -> list[Row]:
    stmt = sa.select(api_tokens.c.token_id, api_tokens.c.label, api_tokens.c.issued_at).where(
        visible(api_tokens, at), api_tokens.c.user_id == user_id)
    return _rows(pmo, stmt)


def events_for_correlation(pmo: PMO, correlation_id: str) -> list[Row]:
    t = pmo.log_index.table
    return _rows(pmo, sa.select(t).where(t.c.correlation_id == correlation_id).order_by(t.c.position))


def entity_history(pmo: PMO, entity_id: uuid.UUID) -> list[Row]:
    t = pmo.log_index.table
    return _rows(pmo, sa.select(t).where(t.c.originator_id == entity_id).order_by(t.c.position))
