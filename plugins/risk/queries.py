"""Reads over the risk read models. ``at`` is a log position (None: now), ``today`` the day
that "review due" and "overdue" are judged on (the as-of day on an as-of page).

The heat map counts the rows of ``list_risks`` for the same filters, so a cell's number and
the register it links to cannot disagree.
"""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa

from core import permissions
from core import queries as core_queries
from core.domain.action import is_overdue
from core.pmo import PMO
from core.projections import actions as actions_t
from core.projections import programmes as programmes_t
from core.projections import projects as projects_t
from events.temporal import visible
from plugins.risk.domain import DEFAULT_SCALE, LEVELS, PRIORITIES, Scale
from plugins.risk.projections import assessments, issues, mitigations, risks, settings

Row = dict[str, Any]
HIDDEN = ("row_id", "valid_from", "valid_to")
RISK_SORTS = ("score", "ref", "title", "owner", "level", "review_date", "proximity", "identified_on", "project")
ISSUE_SORTS = ("priority", "ref", "title", "owner", "raised_on", "escalation", "project")
LEVEL_RANK = {level: n for n, level in enumerate(LEVELS)}
PRIORITY_RANK = {p: n for n, p in enumerate(PRIORITIES)}


def _uuid(value: Any) -> uuid.UUID | None:
    if value in (None, "") or isinstance(value, uuid.UUID):
        return value or None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _rows(pmo: PMO, stmt: sa.Select) -> list[Row]:
    with pmo.read() as conn:
        return [{k: v for k, v in r.items() if k not in HIDDEN}
                for r in conn.execute(stmt).mappings()]


def current_scale(pmo: PMO, at: int | None = None) -> Scale:
    rows = _rows(pmo, sa.select(settings).where(visible(settings, at)))
    if not rows:
        return DEFAULT_SCALE
    r = rows[0]
    return Scale(tuple(r["probability_labels"]), tuple(r["impact_labels"]), r["medium"], r["high"], r["critical"])


def settings_row(pmo: PMO, at: int | None = None) -> Row:
    """The scales as a row, with ``version`` (0: never configured, the defaults)."""
    rows = _rows(pmo, sa.select(settings).where(visible(settings, at)))
    return rows[0] if rows else {**DEFAULT_SCALE.as_dict(), "version": 0}


# --- names for ids --------------------------------------------------------------------------

def _places(pmo: PMO, at: int | None, rows: list[Row]) -> tuple[dict, dict]:
    """The projects and programmes ``rows`` name, looked up by id in one query: a project's
    panel names one project, a register page fifty (listing the whole portfolio once cost two
    thirds of a project page)."""
    projects = core_queries.projects_by_ids(pmo, [r.get("project_id") for r in rows], at)
    programmes = core_queries.programmes_by_ids(
        pmo, [r.get("programme_id") for r in rows] + [p["programme_id"] for p in projects.values()], at)
    return projects, programmes


def _where_sql(table: sa.Table, at: int | None) -> tuple[sa.FromClause, sa.ColumnElement]:
    """``table`` joined to the names of its places, and the database's own ``where`` column,
    the same text ``_where`` writes: the project's code, 'Programme <code>' or 'Portfolio'."""
    project = projects_t.alias("where_project")
    programme = programmes_t.alias("where_programme")
    joined = (table.outerjoin(project, sa.and_(project.c.id == table.c.project_id, visible(project, at)))
              .outerjoin(programme, sa.and_(programme.c.id == table.c.programme_id, visible(programme, at))))
    where = sa.case((project.c.code.is_not(None), project.c.code),
                    (sa.and_(table.c.scope == "programme", programme.c.code.is_not(None)),
                     sa.literal("Programme ") + programme.c.code),
                    else_=sa.literal("Portfolio"))
    return joined, where


def _where(row: Row, projects: dict, programmes: dict) -> Row:
    project = projects.get(row.get("project_id"))
    programme = programmes.get(row.get("programme_id") or (project or {}).get("programme_id"))
    row["project_code"] = project["code"] if project else None
    row["project_name"] = project["name"] if project else None
    row["programme_code"] = programme["code"] if programme else None
    row["where"] = (row["project_code"] if project else
                    f"Programme {programme['code']}" if row.get("scope") == "programme" and programme else
                    "Portfolio")
    return row


# --- risks ----------------------------------------------------------------------------------

def _in_programme(table: sa.Table, programme_id: uuid.UUID, at: int | None) -> sa.ColumnElement[bool]:
    """Items of the programme itself and of its projects (as they were grouped at ``at``)."""
    members = sa.select(projects_t.c.id).where(visible(projects_t, at), projects_t.c.programme_id == programme_id)
    return sa.or_(table.c.programme_id == programme_id, table.c.project_id.in_(members))


def _mitigation_state(pmo: PMO, risk_ids: list[uuid.UUID], at: int | None, today: date) -> dict:
    """Per risk: its mitigation actions (rows as of ``at``), overdue judged on ``today``."""
    if not risk_ids:
        return {}
    stmt = (sa.select(mitigations.c.risk_id, actions_t)
            .join(actions_t, actions_t.c.id == mitigations.c.action_id)
            .where(visible(mitigations, at), visible(actions_t, at), mitigations.c.risk_id.in_(risk_ids))
            .order_by(actions_t.c.due_date))
    found: dict[uuid.UUID, list[Row]] = {}
    for row in _rows(pmo, stmt):
        row["overdue"] = is_overdue(row["status"], row["due_date"], today)
        found.setdefault(row.pop("risk_id"), []).append(row)
    return found


def _risk_row(row: Row, today: date, actions: list[Row]) -> Row:
    row["review_due"] = row["status"] == "open" and row["review_date"] is not None and row["review_date"] < today
    row["mitigations"] = len(actions)
    row["overdue_mitigations"] = sum(a["overdue"] for a in actions)
    row["open_mitigations"] = sum(a["status"] == "open" for a in actions)
    return row


def _sort_key(sort: str):
    def key(row: Row):
        if sort == "score":
            return (row["score"] is None, row["score"] or 0)
        if sort == "level":
            return (row["level"] is None, LEVEL_RANK.get(row["level"], -1))
        if sort == "project":  # never empty: 'Portfolio' at least
            return (False, (row["where"] or "", row["ref"] or ""))
        value = row.get(sort)
        return (value is None, value if value is not None else "")
    return key


def sort_rows(rows: list[Row], sort: str, allowed: tuple[str, ...], default: str) -> list[Row]:
    """``sort`` is a field name, '-' in front for descending; ties keep the reference order."""
    name = (sort or default).lstrip("-")
    if name not in allowed:
        name, sort = default.lstrip("-"), default
    descending = (sort or default).startswith("-")
    rows = sorted(rows, key=lambda r: (r.get("where") or "", r.get("ref") or ""))
    present = [r for r in rows if _sort_key(name)(r)[0] is False]
    missing = [r for r in rows if _sort_key(name)(r)[0] is not False]
    present.sort(key=lambda r: _sort_key(name)(r)[1], reverse=descending)
    return present + missing  # empty values last, either way


def _register(table: sa.Table, at: int | None, project_id: Any, programme_id: Any, scope: str | None,
              status: str | None, q: str | None, searched: tuple[str, ...], **equal: Any) -> sa.Select:
    """The filters the risk and issue registers share; ``equal`` columns match exactly when given."""
    stmt = sa.select(table).where(visible(table, at))
    if project_id:
        stmt = stmt.where(table.c.project_id == _uuid(project_id))
    if programme_id:
        stmt = stmt.where(_in_programme(table, _uuid(programme_id), at))
    if scope:
        stmt = stmt.where(table.c.scope == scope)
    if status and status != "all":
        stmt = stmt.where(table.c.status == status)
    for column, value in equal.items():
        if value:
            stmt = stmt.where(table.c[column] == value)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(*(sa.func.lower(table.c[c]).like(like) for c in searched)))
    return stmt


def list_risks(
    pmo: PMO, at: int | None = None, today: date | None = None, *, project_id: Any = None,
    programme_id: Any = None, scope: str | None = None, status: str | None = "open", kind: str | None = None,
    level: str | None = None, category: str | None = None, owner: str | None = None,
    basis: str | None = None, probability: int | None = None, impact: int | None = None,
    review_due: bool | None = None, q: str | None = None, sort: str = "-score",
) -> list[Row]:
    """The risk register, filtered and sorted. ``status`` 'all' (or None) lists every status.

    With ``basis`` (inherent or residual), ``level``, ``probability`` and ``impact`` filter on
    that assessment; without it, ``level`` is the current exposure's level.
    """
    today = today or date.today()
    stmt = _risks_where(at, today, project_id, programme_id, scope, status, kind, level, category, owner,
                        basis, probability, impact, review_due, q)
    return sort_rows(_risk_details(pmo, at, today, _rows(pmo, stmt)), sort, RISK_SORTS, "-score")


def risks_page(
    pmo: PMO, at: int | None = None, today: date | None = None, page: int = 1,
    size: int = core_queries.PER_PAGE, *, sort: str = "-score", project_id: Any = None,
    programme_id: Any = None, scope: str | None = None, status: str | None = "open", kind: str | None = None,
    level: str | None = None, category: str | None = None, owner: str | None = None,
    basis: str | None = None, probability: int | None = None, impact: int | None = None,
    review_due: bool | None = None, q: str | None = None,
) -> core_queries.Page:
    """One page of ``list_risks``, in the same order, sorted and counted by the database:
    only the page's rows get their places and mitigations looked up."""
    today = today or date.today()
    stmt = _risks_where(at, today, project_id, programme_id, scope, status, kind, level, category, owner,
                        basis, probability, impact, review_due, q)
    joined, where = _where_sql(risks, at)
    stmt = stmt.with_only_columns(*risks.c).select_from(joined)
    found = core_queries.paged(pmo, stmt.order_by(*_sql_order(sort, where)), page, size)
    return core_queries.Page(_risk_details(pmo, at, today, found.rows), found.total, found.number, found.size)


def _sql_order(sort: str, where: sa.ColumnElement) -> list[sa.ColumnElement]:
    """``sort_rows``' order in SQL: the sort field (empty values last either way), then
    where and reference."""
    name = (sort or "-score").lstrip("-")
    if name not in RISK_SORTS:
        name, sort = "score", "-score"
    descending = sort.startswith("-")
    tail = [where, risks.c.ref, risks.c.id]
    if name == "project":
        return [where.desc(), risks.c.ref.desc(), risks.c.id] if descending else tail
    column = (sa.case(*((risks.c.level == lv, n) for lv, n in LEVEL_RANK.items()), else_=None)
              if name == "level" else risks.c[name])
    return [column.is_(None), column.desc() if descending else column.asc(), *tail]


def _risks_where(at, today, project_id, programme_id, scope, status, kind, level, category, owner, basis,
                 probability, impact, review_due, q) -> sa.Select:
    t = risks
    stmt = _register(t, at, project_id, programme_id, scope, status, q, ("title", "ref", "description"),
                     kind=kind, category=category, owner=owner)
    prefix = f"{basis}_" if basis in ("inherent", "residual") else ""
    if level:
        stmt = stmt.where(t.c[f"{prefix}level"] == level)
    if probability is not None:
        stmt = stmt.where(t.c[f"{prefix or 'inherent_'}probability"] == probability)
    if impact is not None:
        stmt = stmt.where(t.c[f"{prefix or 'inherent_'}impact"] == impact)
    if review_due is not None:
        due = sa.and_(t.c.status == "open", t.c.review_date < today)
        stmt = stmt.where(due if review_due else sa.not_(due) | t.c.review_date.is_(None))
    return stmt


def _risk_details(pmo: PMO, at: int | None, today: date, rows: list[Row]) -> list[Row]:
    """Rows of the risks table with their place and the state of their mitigations."""
    projects, programmes = _places(pmo, at, rows)
    state = _mitigation_state(pmo, [r["id"] for r in rows], at, today)
    return [_risk_row(_where(r, projects, programmes), today, state.get(r["id"], [])) for r in rows]


def risk_owners(pmo: PMO, at: int | None = None) -> list[str]:
    """Everyone who owns a risk of any status, for the register's filter."""
    stmt = sa.select(risks.c.owner).distinct().where(visible(risks, at), risks.c.owner.is_not(None))
    with pmo.read() as conn:
        return sorted(conn.execute(stmt).scalars())


def dashboard_counts(pmo: PMO, at: int | None = None, today: date | None = None, critical_top: int = 8) -> Row:
    """What the dashboard widget shows, counted by the database: open risks per level, the
    ``critical_top`` most severe critical ones (in the register's order), reviews due and
    open issues."""
    today = today or date.today()
    open_risk = sa.and_(visible(risks, at), risks.c.status == "open")
    joined, where = _where_sql(risks, at)
    with pmo.read() as conn:
        by_level = dict(conn.execute(sa.select(risks.c.level, sa.func.count()).where(open_risk)
                                     .group_by(risks.c.level)).all())
        due = conn.execute(sa.select(sa.func.count()).where(open_risk, risks.c.review_date < today)).scalar_one()
        issues_open = conn.execute(sa.select(sa.func.count()).where(
            visible(issues, at), issues.c.status == "open")).scalar_one()
        critical = [dict(r._mapping) for r in conn.execute(
            sa.select(risks.c.id, risks.c.ref, risks.c.title, risks.c.score, where.label("where"))
            .select_from(joined).where(open_risk, risks.c.level == "critical")
            .order_by(*_sql_order("-score", where)).limit(critical_top))]
    return {"by_level": {level: by_level.get(level, 0) for level in LEVELS}, "critical": critical,
            "review_due": due, "issues": issues_open}


def get_risk(pmo: PMO, risk_id: Any, at: int | None = None, today: date | None = None) -> Row | None:
    rid = _uuid(risk_id)
    if rid is None:
        return None
    rows = _rows(pmo, sa.select(risks).where(visible(risks, at), risks.c.id == rid))
    if not rows:
        return None
    today = today or date.today()
    projects, programmes = _places(pmo, at, rows)
    return _risk_row(_where(rows[0], projects, programmes), today,
                     _mitigation_state(pmo, [rid], at, today).get(rid, []))


def risk_assessments(pmo: PMO, risk_id: uuid.UUID, at: int | None = None) -> list[Row]:
    """Every assessment of a risk recorded by ``at``, oldest first."""
    stmt = (sa.select(assessments).where(visible(assessments, at), assessments.c.risk_id == risk_id)
            .order_by(assessments.c.version))
    return _rows(pmo, stmt)


def risk_mitigations(pmo: PMO, risk_id: uuid.UUID, at: int | None = None, today: date | None = None) -> list[Row]:
    return _mitigation_state(pmo, [risk_id], at, today or date.today()).get(risk_id, [])


def heatmap(pmo: PMO, basis: str = "residual", at: int | None = None, today: date | None = None,
            **filters: Any) -> Row:
    """Counts per probability x impact cell of the risks ``list_risks(**filters)`` lists.

    Risks without an assessment on ``basis`` are counted apart (``unassessed``).
    """
    filters = {k: v for k, v in filters.items() if k not in ("probability", "impact", "sort")}
    rows = list_risks(pmo, at, today, basis=basis, **filters)
    scale = current_scale(pmo, at)
    cells: Counter = Counter()
    unassessed = 0
    for r in rows:
        p, i = r[f"{basis}_probability"], r[f"{basis}_impact"]
        if p is None or i is None:
            unassessed += 1
        else:
            # Scales may have shrunk since: a point beyond the edge counts in the edge cell.
            cells[(min(p, len(scale.probability)), min(i, len(scale.impact)))] += 1
    return {"basis": basis, "scale": scale, "cells": dict(cells), "total": len(rows),
            "unassessed": unassessed}


# --- issues ---------------------------------------------------------------------------------

def list_issues(pmo: PMO, at: int | None = None, *, project_id: Any = None, programme_id: Any = None,
                scope: str | None = None, status: str | None = "open", priority: str | None = None,
                escalation: str | None = None, owner: str | None = None, q: str | None = None,
                sort: str = "-priority") -> list[Row]:
    stmt = _register(issues, at, project_id, programme_id, scope, status, q, ("title", "ref"),
                     priority=priority, escalation=escalation, owner=owner)
    rows = _rows(pmo, stmt)
    projects, programmes = _places(pmo, at, rows)
    rows = [_where(r, projects, programmes) for r in rows]
    for r in rows:
        r["priority_rank"] = PRIORITY_RANK.get(r["priority"], -1)
    name = (sort or "-priority").lstrip("-")
    return sort_rows(rows, sort.replace("priority", "priority_rank") if name == "priority" else sort,
                     (*ISSUE_SORTS, "priority_rank"), "-priority_rank")


def get_issue(pmo: PMO, issue_id: Any, at: int | None = None) -> Row | None:
    iid = _uuid(issue_id)
    if iid is None:
        return None
    rows = _rows(pmo, sa.select(issues).where(visible(issues, at), issues.c.id == iid))
    if not rows:
        return None
    projects, programmes = _places(pmo, at, rows)
    return _where(rows[0], projects, programmes)


# --- policies -------------------------------------------------------------------------------

def project_summary(pmo: PMO, project_id: uuid.UUID, at: int | None = None, today: date | None = None,
                    top: int = 5) -> Row:
    """What the project page shows: top open risks, critical ones, reviews due, open issues."""
    open_risks = list_risks(pmo, at, today, project_id=project_id)
    return {
        "top": open_risks[:top],
        "open": len(open_risks),
        "critical": [r for r in open_risks if r["level"] == "critical"],
        "review_due": [r for r in open_risks if r["review_due"]],
        "overdue_mitigations": sum(r["overdue_mitigations"] for r in open_risks),
        "issues": list_issues(pmo, at, project_id=project_id),
    }


def status_hint(pmo: PMO, project_id: uuid.UUID, at: int | None = None, today: date | None = None) -> Row | None:
    """The RAG a status report of the project should at least consider, with why; None: no
    suggestion. Red: an open critical risk or critical issue. Amber: an open high risk or
    issue, or a risk review or mitigation overdue. Shown on the status-report form through the status_report_hints hook."""
    summary = project_summary(pmo, project_id, at, today)
    reasons_red = [f"critical risk {r['ref']}: {r['title']}" for r in summary["critical"]]
    reasons_red += [f"critical issue {i['ref']}: {i['title']}" for i in summary["issues"] if i["priority"] == "critical"]
    if reasons_red:
        return {"rag": "red", "reasons": reasons_red}
    amber = [f"high risk {r['ref']}: {r['title']}" for r in summary["top"] if r["level"] == "high"]
    amber += [f"high issue {i['ref']}: {i['title']}" for i in summary["issues"] if i["priority"] == "high"]
    if summary["review_due"]:
        amber.append(f"{len(summary['review_due'])} risk review(s) overdue")
    if summary["overdue_mitigations"]:
        amber.append(f"{summary['overdue_mitigations']} mitigation action(s) overdue")
    return {"rag": "amber", "reasons": amber} if amber else None


# --- who may change what (core.permissions applied to risks and issues) ---------------------

def may_edit(pmo: PMO, user: Any, item: Row | None = None, project_id: Any = None) -> bool:
    """Project items: the project's manager, pmo and admin; programme and portfolio items
    (and ``item`` None without a project): pmo and admin only. Viewers and auditors: never."""
    project_id = item.get("project_id") if item is not None else project_id
    if project_id:
        project = core_queries.get_project(pmo, project_id)
        return project is not None and permissions.can_edit_project(user, project)
    return permissions.can_edit_portfolio(user)


def may_write(user: Any) -> bool:
    """Roles that write at all (admin, pmo, manager); rights over each item come later."""
    return permissions.can_edit_project(user, None)
