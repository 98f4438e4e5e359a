"""Read-side queries over the core read models. ``at`` is a log position (None: now)."""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

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
        return fetch(conn, stmt)


def fetch(conn: sa.Connection, stmt: sa.Select) -> list[Row]:
    """The rows of ``stmt`` as dicts, without the temporal bookkeeping columns."""
    return fetch_with(conn, stmt, None)


def fetch_with(conn: sa.Connection, stmt: sa.Select, params: dict | None) -> list[Row]:
    result = conn.execute(stmt, params)
    keys = list(result.keys())
    # Decide once per query which columns to keep, not once per value: lists run to
    # thousands of rows.
    keep = [i for i, k in enumerate(keys) if k not in PUBLIC]
    if len(keep) == len(keys):
        return [dict(zip(keys, row)) for row in result]
    names = [keys[i] for i in keep]
    return [dict(zip(names, [row[i] for i in keep])) for row in result]


# --- pages of long lists ------------------------------------------------------------------

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """One page of a long list: its rows, the total the filters match, and where it is."""
    rows: list[Row]
    total: int
    number: int  # 1-based
    size: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The 1-based position of the first row shown (0 when there is none)."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(value: Any) -> int:
    """``?page=`` as a page number: anything that is not a positive number is the first page."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 10**9 else 1


def paged(pmo: PMO, stmt: sa.Select, number: int = 1, size: int = PER_PAGE,
          convert: Callable[[Row], Row] | None = None) -> Page:
    """Page ``number`` of ``stmt`` (which must be fully ordered) and the total it matches,
    counted by the database in the same read. A page past the end shows the last one."""
    with pmo.read() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
        number = min(max(1, number), max(1, -(-total // size)))
        rows = fetch(conn, stmt.limit(size).offset((number - 1) * size)) if total else []
    return Page([convert(r) for r in rows] if convert else rows, total, number, size)


def _one(pmo: PMO, stmt: sa.Select) -> Row | None:
    rows = _rows(pmo, stmt.limit(1))
    return rows[0] if rows else None


# Looking one row up by id or code is on every item page and every write (twice: rights,
# then the answer), so each (table, column) gets its statements built once, as of now and as
# of a position; building a statement anew cost more than running it.
_LOOKUPS: dict[tuple[str, str, bool], sa.Select] = {}


def _get(pmo: PMO, table: sa.Table, column: sa.ColumnElement, value: Any, at: int | None) -> Row | None:
    """The row of ``table`` whose ``column`` is ``value``, now or at log position ``at``."""
    key = (table.name, str(column), at is None)
    stmt = _LOOKUPS.get(key)
    if stmt is None:
        when = visible(table) if at is None else sa.and_(
            table.c.valid_from <= sa.bindparam("at"),
            sa.or_(table.c.valid_to.is_(None), table.c.valid_to > sa.bindparam("at")))
        stmt = _LOOKUPS[key] = sa.select(table).where(when, column == sa.bindparam("value")).limit(1)
    with pmo.read() as conn:
        rows = fetch_with(conn, stmt, {"value": value} if at is None else {"value": value, "at": at})
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
    return _get(pmo, programmes, programmes.c.id, pid, at) if pid else None


def list_projects(
    pmo: PMO, at: int | None = None, stage: str | None = None, programme_id: Any = None,
    manager: str | None = None, rag: str | None = None, q: str | None = None,
) -> list[Row]:
    return _rows(pmo, _projects_where(at, stage, programme_id, manager, rag, q).order_by(projects.c.code))


def projects_page(
    pmo: PMO, at: int | None = None, page: int = 1, size: int = PER_PAGE, *, stage: str | None = None,
    programme_id: Any = None, manager: str | None = None, rag: str | None = None, q: str | None = None,
) -> Page:
    """One page of ``list_projects`` (by code); ``rag`` 'none' means no report yet."""
    stmt = _projects_where(at, stage, programme_id, manager, rag, q)
    return paged(pmo, stmt.order_by(projects.c.code, projects.c.id), page, size)


def count_projects(pmo: PMO, at: int | None = None) -> int:
    with pmo.read() as conn:
        return conn.execute(sa.select(sa.func.count()).where(visible(projects, at))).scalar_one()


def project_managers(pmo: PMO, at: int | None = None) -> list[str]:
    """Everyone who manages a project, for the list's filter."""
    stmt = (sa.select(projects.c.manager).distinct()
            .where(visible(projects, at), projects.c.manager.is_not(None), projects.c.manager != "")
            .order_by(projects.c.manager))
    with pmo.read() as conn:
        return list(conn.execute(stmt).scalars())


def projects_by_ids(pmo: PMO, ids: Any, at: int | None = None) -> dict[Any, Row]:
    """The projects of a page's rows, looked up by id: a page names a few, the portfolio
    holds thousands."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = sa.select(projects).where(visible(projects, at), projects.c.id.in_(wanted))
    return {p["id"]: p for p in _rows(pmo, stmt)}


def programmes_by_ids(pmo: PMO, ids: Any, at: int | None = None) -> dict[Any, Row]:
    """The programmes a page's rows name, looked up by id (as ``projects_by_ids``)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = sa.select(programmes).where(visible(programmes, at), programmes.c.id.in_(wanted))
    return {p["id"]: p for p in _rows(pmo, stmt)}


def _projects_where(at: int | None, stage: str | None, programme_id: Any, manager: str | None,
                    rag: str | None, q: str | None) -> sa.Select:
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
    if rag == "none":
        stmt = stmt.where(projects.c.overall.is_(None))
    elif rag:
        stmt = stmt.where(projects.c.overall == rag)
    return stmt


def get_project(pmo: PMO, key: Any, at: int | None = None) -> Row | None:
    """A project by id or by code."""
    pid = _uuid(key)
    if pid:
        return _get(pmo, projects, projects.c.id, pid, at)
    return _get(pmo, projects, sa.func.lower(projects.c.code), str(key).lower(), at)


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
    return _get(pmo, status_reports, status_reports.c.id, rid, at) if rid else None


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
    row = _get(pmo, milestones, milestones.c.id, mid, at) if mid else None
    return _with_slippage(row) if row else None


def list_decisions(pmo: PMO, project_id: Any = None, at: int | None = None) -> list[Row]:
    return _rows(pmo, _decisions_where(project_id, at).order_by(*_decision_order()))


def decisions_page(pmo: PMO, project_id: Any = None, at: int | None = None, page: int = 1,
                   size: int = PER_PAGE) -> Page:
    """One page of ``list_decisions``, newest first."""
    return paged(pmo, _decisions_where(project_id, at).order_by(*_decision_order()), page, size)


def decision_titles(pmo: PMO, ids: Any, at: int | None = None) -> dict[Any, str]:
    """The titles of the decisions ``ids`` (what superseded the rows of a page)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = sa.select(decisions.c.id, decisions.c.title).where(visible(decisions, at), decisions.c.id.in_(wanted))
    with pmo.read() as conn:
        return dict(conn.execute(stmt).all())


def _decision_order() -> tuple:
    return (decisions.c.decided_on.desc(), *_ties(decisions))


def _decisions_where(project_id: Any, at: int | None) -> sa.Select:
    stmt = sa.select(decisions).where(visible(decisions, at))
    if project_id is not None:
        stmt = stmt.where(decisions.c.project_id == _uuid(project_id))
    return stmt


def get_decision(pmo: PMO, decision_id: Any, at: int | None = None) -> Row | None:
    did = _uuid(decision_id)
    return _get(pmo, decisions, decisions.c.id, did, at) if did else None


def _with_overdue(row: Row, today: date) -> Row:
    row["overdue"] = is_overdue(row["status"], row["due_date"], today)
    return row


def list_actions(pmo: PMO, project_id: Any = None, owner: str | None = None, status: str | None = None,
                 overdue: bool | None = None, at: int | None = None, today: date | None = None) -> list[Row]:
    today = today or date.today()
    stmt = _actions_where(project_id, owner, status, overdue, at, today)
    return [_with_overdue(r, today) for r in _rows(pmo, stmt.order_by(*_action_order()))]


def actions_page(pmo: PMO, project_id: Any = None, owner: str | None = None, status: str | None = None,
                 overdue: bool | None = None, at: int | None = None, today: date | None = None,
                 page: int = 1, size: int = PER_PAGE) -> Page:
    """One page of ``list_actions``, in the same order."""
    today = today or date.today()
    stmt = _actions_where(project_id, owner, status, overdue, at, today).order_by(*_action_order())
    return paged(pmo, stmt, page, size, convert=lambda r: _with_overdue(r, today))


def action_owners(pmo: PMO, at: int | None = None) -> list[str]:
    """Everyone who owns an action, for the list's filter."""
    stmt = sa.select(actions.c.owner).distinct().where(visible(actions, at), actions.c.owner.is_not(None))
    with pmo.read() as conn:
        return sorted(conn.execute(stmt).scalars())


def _action_order() -> tuple:
    return (actions.c.due_date.asc().nulls_last(), actions.c.title, *_ties(actions))


def _actions_where(project_id: Any, owner: str | None, status: str | None, overdue: bool | None,
                   at: int | None, today: date) -> sa.Select:
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
    return stmt


def get_action(pmo: PMO, action_id: Any, at: int | None = None, today: date | None = None) -> Row | None:
    aid = _uuid(action_id)
    row = _get(pmo, actions, actions.c.id, aid, at) if aid else None
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


# The dashboard lists the most urgent first: red, amber, no report yet, then green.
RAG_ORDER = {"red": 0, "amber": 1, None: 2, "green": 3}
# A PMO chases a report from every active project at least monthly.
REPORT_DUE_DAYS = 31


def _days(later: sa.ColumnElement, earlier: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    """Days from ``earlier`` to ``later``: SQLite keeps dates as text, PostgreSQL subtracts them."""
    if dialect == "sqlite":
        return sa.func.julianday(later) - sa.func.julianday(earlier)
    return later - earlier


def dashboard_summary(pmo: PMO, at: int | None = None, today: date | None = None, top: int = 10) -> Row:
    """What the dashboard shows, counted by the database so that the page does not grow with
    the portfolio: every count is of all the rows, each list holds the ``top`` most urgent.

    ``counts`` has ``overdue_actions``, ``slipping_milestones``, ``reports_due`` and
    ``active``; ``projects`` names the projects the listed items belong to (by id).
    """
    today = today or date.today()
    rag_rank = sa.case(*((projects.c.overall.is_(None) if rag is None else projects.c.overall == rag, rank)
                         for rag, rank in RAG_ORDER.items()), else_=len(RAG_ORDER))
    active = sa.and_(visible(projects, at), projects.c.stage == "active")
    report_due = sa.and_(active, sa.or_(projects.c.last_report.is_(None),
                                        projects.c.last_report < today - timedelta(days=REPORT_DUE_DAYS)))
    late = sa.and_(visible(actions, at), actions.c.status == "open", actions.c.due_date < today)
    slipping = sa.and_(visible(milestones, at), milestones.c.actual_date.is_(None),
                       milestones.c.forecast_date > milestones.c.baseline_date)
    slip = _days(milestones.c.forecast_date, milestones.c.baseline_date, pmo.engine.dialect.name)

    def count(table: sa.Table, where: sa.ColumnElement) -> sa.ScalarSelect:
        return sa.select(sa.func.count()).select_from(table).where(where).scalar_subquery()

    with pmo.read() as conn:
        by_stage = dict(conn.execute(sa.select(projects.c.stage, sa.func.count())
                                     .where(visible(projects, at)).group_by(projects.c.stage)).all())
        rag = {(k or "none"): n for k, n in conn.execute(
            sa.select(projects.c.overall, sa.func.count()).where(active).group_by(projects.c.overall))}
        # One round trip for the four counts.
        counts = conn.execute(sa.select(
            count(projects, active).label("active"), count(projects, report_due).label("reports_due"),
            count(actions, late).label("overdue_actions"),
            count(milestones, slipping).label("slipping_milestones"))).one()._asdict()
        urgent = (rag_rank, projects.c.code, projects.c.id)
        active_rows = fetch(conn, sa.select(projects).where(active).order_by(*urgent).limit(top))
        due_rows = fetch(conn, sa.select(projects).where(report_due).order_by(*urgent).limit(top))
        overdue = [_with_overdue(r, today) for r in fetch(conn, sa.select(actions).where(late).order_by(
            actions.c.due_date, actions.c.title, *_ties(actions)).limit(top))]
        slips = [_with_slippage(r) for r in fetch(conn, sa.select(milestones).where(slipping).order_by(
            slip.desc(), milestones.c.baseline_date, *_ties(milestones)).limit(top))]
    named = projects_by_ids(pmo, [r["project_id"] for r in (*overdue, *slips)], at)
    return {
        "projects": sum(by_stage.values()), "by_stage": by_stage, "rag": rag, "counts": counts,
        "active": active_rows, "reports_due": due_rows, "overdue_actions": overdue,
        "slipping_milestones": slips, "projects_by_id": named,
    }


# --- users --------------------------------------------------------------------------------

def list_users(pmo: PMO, at: int | None = None) -> list[Row]:
    return _rows(pmo, sa.select(users).where(visible(users, at)).order_by(users.c.username))


def get_user(pmo: PMO, key: Any, at: int | None = None) -> Row | None:
    """A user by id or username."""
    uid = _uuid(key)
    if uid:
        return _get(pmo, users, users.c.id, uid, at)
    return _get(pmo, users, users.c.username, str(key).lower(), at)


# Built once: every request that signs in with a token asks it (SQLAlchemy caches the
# compiled SQL, but building the statement itself cost a third of a cached page).
_BY_TOKEN = (
    sa.select(users)
    .join(api_tokens, api_tokens.c.user_id == users.c.id)
    .where(visible(users), visible(api_tokens), api_tokens.c.token_hash == sa.bindparam("token_hash"))
    .limit(1)
)


def user_by_token_hash(pmo: PMO, token_hash: str) -> Row | None:
    with pmo.read() as conn:
        rows = fetch_with(conn, _BY_TOKEN, {"token_hash": token_hash})
    return rows[0] if rows else None


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
