"""Read-side queries of the knowledge plugin, over its read models. ``at``: a log position (None: now).

The contract with the governance plugin is ``project_template`` (see the package docstring).
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from core import queries as core_queries
from core.permissions import EDIT_ALL, can_edit_portfolio, can_edit_project
from core.pmo import PMO
from events.temporal import visible
from plugins.knowledge import search
from plugins.knowledge.domain import CHECKLIST_STAGES, DEFAULT_CATEGORIES
from plugins.knowledge.projections import categories as categories_t
from plugins.knowledge.projections import lessons, profiles, template_versions, templates

Row = dict[str, Any]
HIDDEN = ("row_id", "valid_from", "valid_to", "tag_keys")
SORTS = ("rank", "recorded_on", "title", "category")
SUGGESTIONS = 5


def _rows(pmo: PMO, stmt: sa.Select) -> list[Row]:
    with pmo.read() as conn:
        return [{k: v for k, v in row.items() if k not in HIDDEN} for row in conn.execute(stmt).mappings()]


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


# --- who may ----------------------------------------------------------------------------------

def may_write(user: Any) -> bool:
    """Roles that record lessons at all (a manager: on the projects they manage)."""
    return user is not None and user.role in (*EDIT_ALL, "manager")


def may_record(pmo: PMO, user: Any, project_id: uuid.UUID | None) -> bool:
    """The PMO records lessons of any project or none; a manager, of the projects they manage."""
    if can_edit_portfolio(user):
        return True
    if user is None or user.role != "manager" or project_id is None:
        return False
    project = core_queries.get_project(pmo, project_id)
    return project is not None and can_edit_project(user, project)


def may_edit(pmo: PMO, user: Any, lesson: Row) -> bool:
    return may_record(pmo, user, lesson["project_id"])


# --- lessons ----------------------------------------------------------------------------------

def _with_project(pmo: PMO, rows: list[Row], at: int | None) -> list[Row]:
    codes = {p["id"]: p for p in core_queries.list_projects(pmo, at=at)} if any(r["project_id"] for r in rows) else {}
    for r in rows:
        project = codes.get(r["project_id"])
        r["project_code"] = project["code"] if project else None
        r["project_name"] = project["name"] if project else None
    return rows


def list_lessons(pmo: PMO, at: int | None = None, q: str | None = None, category: str | None = None,
                 tag: str | None = None, project_id: Any = None, status: str | None = None,
                 kind: str | None = None, sort: str | None = None, limit: int | None = None) -> list[Row]:
    """Lessons visible at ``at``, filtered; with ``q``, those holding every word of it, best
    match first (``rank``: 1 is the best). Without ``q``: newest first."""
    stmt = sa.select(lessons).where(visible(lessons, at))
    ranked = bool(search.words(q))
    if ranked:
        with pmo.read() as conn:
            dialect = conn.dialect.name
        condition, rank, descending, join = search.matching(lessons, dialect, q or "")
        if join is not None:
            stmt = stmt.select_from(lessons).join(join, condition)
        else:
            stmt = stmt.where(condition)
        stmt = stmt.add_columns(rank.label("score"))
    if category:
        stmt = stmt.where(lessons.c.category == category.strip().lower())
    if tag:
        stmt = stmt.where(lessons.c.tag_keys.like(f"%|{tag.strip().lower()}|%", escape="\\"))
    if project_id:
        stmt = stmt.where(lessons.c.project_id == _uuid(project_id))
    if status and status != "all":
        stmt = stmt.where(lessons.c.status == status)
    if kind:
        stmt = stmt.where(lessons.c.kind == kind)
    sort = sort or ("rank" if ranked else "-recorded_on")
    name = sort.lstrip("-")
    if name == "rank" and ranked:
        stmt = stmt.order_by(sa.desc("score") if descending else sa.asc("score"))
    elif name in ("recorded_on", "title", "category"):
        column = lessons.c[name]
        stmt = stmt.order_by(column.desc() if sort.startswith("-") else column.asc())
    stmt = stmt.order_by(lessons.c.recorded_on.desc(), lessons.c.created_at.desc(), lessons.c.id)
    if limit:
        stmt = stmt.limit(limit)
    rows = _rows(pmo, stmt)
    for n, r in enumerate(rows, 1):
        r.pop("score", None)
        r["rank"] = n if ranked else None
    return _with_project(pmo, rows, at)


def get_lesson(pmo: PMO, lesson_id: Any, at: int | None = None) -> Row | None:
    lid = _uuid(lesson_id)
    if lid is None:
        return None
    row = _one(pmo, sa.select(lessons).where(visible(lessons, at), lessons.c.id == lid))
    return _with_project(pmo, [row], at)[0] if row else None


def lessons_per_category(pmo: PMO, at: int | None = None) -> list[tuple[str, int, int]]:
    """``(category, lessons, endorsed)`` for the lessons that are not retired, most first."""
    stmt = (sa.select(lessons.c.category, sa.func.count(),
                      sa.func.sum(sa.case((lessons.c.status == "endorsed", 1), else_=0)))
            .where(visible(lessons, at), lessons.c.status != "retired").group_by(lessons.c.category))
    with pmo.read() as conn:
        counts = [(c, n, int(e or 0)) for c, n, e in conn.execute(stmt)]
    return sorted(counts, key=lambda c: (-c[1], c[0]))


def tags_in_use(pmo: PMO, at: int | None = None) -> list[str]:
    with pmo.read() as conn:
        lists = conn.execute(sa.select(lessons.c.tags).where(visible(lessons, at))).scalars()
        return sorted({t for tags in lists for t in tags or []})


def categories(pmo: PMO, at: int | None = None) -> Row:
    """The PMO's category list (``version`` 0: the defaults, never set)."""
    row = _one(pmo, sa.select(categories_t).where(visible(categories_t, at)))
    return row or {"id": None, "version": 0, "categories": list(DEFAULT_CATEGORIES)}


# --- projects: profile, suggestions, the contract ---------------------------------------------

def profile(pmo: PMO, project_id: Any, at: int | None = None) -> Row | None:
    pid = _uuid(project_id)
    return _one(pmo, sa.select(profiles).where(visible(profiles, at), profiles.c.project_id == pid)) if pid else None


def suggestions(pmo: PMO, project_id: Any, at: int | None = None, limit: int = SUGGESTIONS) -> list[Row]:
    """Endorsed lessons for a project, by its profile: a lesson of the same category counts 2,
    each shared tag 1; the best first, then the newest. Its own lessons are not suggested."""
    found = profile(pmo, project_id, at)
    if found is None or not (found["category"] or found["tags"]):
        return []
    tags = set(found["tags"] or [])
    conditions = [lessons.c.tag_keys.like(f"%|{t}|%") for t in tags]
    if found["category"]:
        conditions.append(lessons.c.category == found["category"])
    stmt = sa.select(lessons).where(visible(lessons, at), lessons.c.status == "endorsed", sa.or_(*conditions),
                                    sa.or_(lessons.c.project_id.is_(None), lessons.c.project_id != found["project_id"]))
    rows = _rows(pmo, stmt)
    for r in rows:
        r["shared_tags"] = [t for t in r["tags"] or [] if t in tags]
        r["same_category"] = bool(found["category"]) and r["category"] == found["category"]
        r["match"] = 2 * r["same_category"] + len(r["shared_tags"])
    rows.sort(key=lambda r: (-r["match"], -r["recorded_on"].toordinal(), str(r["id"])))
    return _with_project(pmo, rows[:limit], at)


def project_template(pmo: PMO, project_id: uuid.UUID, at: int | None = None) -> dict | None:
    """The template version a project was made from, or None (made without a template, or
    not made yet at ``at``). The contract with the governance plugin; its shape never changes:
    ``{"template_id", "template_name", "version", "gate_reviews_required",
    "checklists": {"approved": [...], "active": [...], "closed": [...]}}``."""
    found = profile(pmo, project_id, at)
    if found is None or found["template_id"] is None:
        return None
    version = template_version(pmo, found["template_id"], found["template_version"], at)
    if version is None:  # cannot happen: the version is written before any project uses it
        return None
    checklists = version["checklists"] or {}
    return {"template_id": found["template_id"], "template_name": version["name"],
            "version": found["template_version"], "gate_reviews_required": bool(version["gate_reviews_required"]),
            "checklists": {stage: list(checklists.get(stage) or []) for stage in CHECKLIST_STAGES}}


# --- templates --------------------------------------------------------------------------------

def list_templates(pmo: PMO, at: int | None = None, include_withdrawn: bool = True) -> list[Row]:
    stmt = sa.select(templates).where(visible(templates, at))
    if not include_withdrawn:
        stmt = stmt.where(templates.c.withdrawn.is_not(True))
    rows = _rows(pmo, stmt.order_by(templates.c.name, templates.c.id))
    used = projects_per_template(pmo, at)
    for r in rows:
        r["projects"] = used.get(r["id"], 0)
    return rows


def get_template(pmo: PMO, template_id: Any, at: int | None = None) -> Row | None:
    tid = _uuid(template_id)
    return _one(pmo, sa.select(templates).where(visible(templates, at), templates.c.id == tid)) if tid else None


def template_version(pmo: PMO, template_id: Any, number: int | None, at: int | None = None) -> Row | None:
    tid = _uuid(template_id)
    if tid is None or number is None:
        return None
    return _one(pmo, sa.select(template_versions).where(
        visible(template_versions, at), template_versions.c.template_id == tid, template_versions.c.number == number))


def template_versions_of(pmo: PMO, template_id: Any, at: int | None = None) -> list[Row]:
    tid = _uuid(template_id)
    return _rows(pmo, sa.select(template_versions).where(
        visible(template_versions, at), template_versions.c.template_id == tid
    ).order_by(template_versions.c.number.desc())) if tid else []


def projects_per_template(pmo: PMO, at: int | None = None) -> dict[uuid.UUID, int]:
    stmt = (sa.select(profiles.c.template_id, sa.func.count()).where(visible(profiles, at),
            profiles.c.template_id.is_not(None)).group_by(profiles.c.template_id))
    with pmo.read() as conn:
        return dict(conn.execute(stmt).all())


def projects_from(pmo: PMO, template_id: Any, at: int | None = None) -> list[Row]:
    """The projects made from a template, each with the version it was made from."""
    tid = _uuid(template_id)
    rows = _rows(pmo, sa.select(profiles).where(visible(profiles, at), profiles.c.template_id == tid)) if tid else []
    by_id = {p["id"]: p for p in core_queries.list_projects(pmo, at=at)}
    out = [{**r, "code": by_id[r["project_id"]]["code"], "name": by_id[r["project_id"]]["name"],
            "stage": by_id[r["project_id"]]["stage"]} for r in rows if r["project_id"] in by_id]
    return sorted(out, key=lambda r: r["code"])
