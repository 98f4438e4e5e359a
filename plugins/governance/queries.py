"""Reads over the governance read models. ``at`` is a log position (None: now)."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from core import permissions
from core import queries as core_queries
from core.pmo import PMO
from events.temporal import visible
from plugins.governance.domain import BUILT_IN_CHECKLISTS, GATED_STAGES
from plugins.governance.projections import agenda, checklists, links, meetings, review_items, reviews, series

Row = dict[str, Any]
HIDDEN = ("row_id", "valid_from", "valid_to")


def _uuid(value: Any) -> uuid.UUID | None:
    if value in (None, "") or isinstance(value, uuid.UUID):
        return value or None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _rows(pmo: PMO, stmt: sa.Select) -> list[Row]:
    with pmo.read() as conn:
        return [{k: v for k, v in r.items() if k not in HIDDEN} for r in conn.execute(stmt).mappings()]


def _one(pmo: PMO, stmt: sa.Select) -> Row | None:
    rows = _rows(pmo, stmt.limit(1))
    return rows[0] if rows else None


def _split(text: str | None) -> list[str]:
    return [line for line in (text or "").split("\n") if line]


# --- checklists -------------------------------------------------------------------------------

def default_checklist(pmo: PMO, stage: str, at: int | None = None) -> list[str]:
    """The PMO's checklist for the gate to ``stage``: as the PMO set it, else the built-in one."""
    row = _one(pmo, sa.select(checklists).where(visible(checklists, at), checklists.c.stage == stage))
    return _split(row["items"]) if row else list(BUILT_IN_CHECKLISTS.get(stage, ()))


def default_checklists(pmo: PMO, at: int | None = None) -> list[Row]:
    rows = {r["stage"]: r for r in _rows(pmo, sa.select(checklists).where(visible(checklists, at)))}
    return [{"stage": s, "items": _split(rows[s]["items"]) if s in rows else list(BUILT_IN_CHECKLISTS[s]),
             "customised": s in rows, "version": rows[s]["version"] if s in rows else 0,
             "updated_at": rows[s]["updated_at"] if s in rows else None,
             "updated_by": rows[s]["updated_by"] if s in rows else None} for s in GATED_STAGES]


# --- gate reviews -----------------------------------------------------------------------------

def list_reviews(pmo: PMO, at: int | None = None, project_id: Any = None, status: str | None = None,
                 verdict: str | None = None) -> list[Row]:
    """Gate reviews, newest first (decided ones by their date, open ones by their planned date)."""
    stmt = sa.select(reviews).where(visible(reviews, at))
    if project_id:
        stmt = stmt.where(reviews.c.project_id == _uuid(project_id))
    if status:
        stmt = stmt.where(reviews.c.status == status)
    if verdict:
        stmt = stmt.where(reviews.c.verdict == verdict)
    day = sa.func.coalesce(reviews.c.decided_on, reviews.c.planned_on)
    return _rows(pmo, stmt.order_by(day.desc(), reviews.c.created_at.desc()))


def get_review(pmo: PMO, review_id: Any, at: int | None = None) -> Row | None:
    rid = _uuid(review_id)
    row = _one(pmo, sa.select(reviews).where(visible(reviews, at), reviews.c.id == rid)) if rid else None
    if row is not None:
        row["answers"] = _rows(pmo, sa.select(review_items.c.n, review_items.c.item, review_items.c.answer,
                                              review_items.c.evidence)
                               .where(visible(review_items, at), review_items.c.review_id == rid)
                               .order_by(review_items.c.n))
    return row


def open_review_of(pmo: PMO, project_id: uuid.UUID) -> Row | None:
    return _one(pmo, sa.select(reviews).where(visible(reviews), reviews.c.project_id == project_id,
                                              reviews.c.status == "open"))


def review_records(pmo: PMO, review: Row, at: int | None = None) -> tuple[Row | None, list[Row]]:
    """The decision a review recorded and its conditions (core actions), as of ``at``."""
    decision = core_queries.get_decision(pmo, review["decision_id"], at=at) if review["decision_id"] else None
    ids = [r["record_id"] for r in _rows(pmo, sa.select(links.c.record_id).where(
        visible(links, at), links.c.source_id == review["id"], links.c.kind == "action"))]
    actions = [a for a in (core_queries.get_action(pmo, i, at=at) for i in ids) if a]
    return decision, actions


# --- meeting series and meetings --------------------------------------------------------------

def _series_row(row: Row) -> Row:
    row["members"] = _split(row["members"])
    return row


def list_series(pmo: PMO, at: int | None = None) -> list[Row]:
    return [_series_row(r) for r in _rows(pmo, sa.select(series).where(visible(series, at)).order_by(series.c.name))]


def get_series(pmo: PMO, series_id: Any, at: int | None = None) -> Row | None:
    sid = _uuid(series_id)
    row = _one(pmo, sa.select(series).where(visible(series, at), series.c.id == sid)) if sid else None
    return _series_row(row) if row else None


def _meeting_row(row: Row) -> Row:
    row["attendees"] = _split(row["attendees"])
    return row


def list_meetings(pmo: PMO, at: int | None = None, series_id: Any = None, status: str | None = None,
                  project_id: Any = None) -> list[Row]:
    """Meetings, the latest first; ``project_id``: those with an agenda item on that project."""
    stmt = sa.select(meetings).where(visible(meetings, at))
    if series_id:
        stmt = stmt.where(meetings.c.series_id == _uuid(series_id))
    if status:
        stmt = stmt.where(meetings.c.status == status)
    if project_id:
        stmt = stmt.where(meetings.c.id.in_(sa.select(agenda.c.meeting_id).where(
            visible(agenda, at), agenda.c.project_id == _uuid(project_id))))
    return [_meeting_row(r) for r in _rows(pmo, stmt.order_by(meetings.c.held_on.desc(), meetings.c.created_at.desc()))]


def get_meeting(pmo: PMO, meeting_id: Any, at: int | None = None, papers_at: int | None = None) -> Row | None:
    """A meeting as of ``at`` with its agenda (each item with its project's status as of
    ``papers_at``, default ``at``: the papers as they were), and the decisions and actions
    taken in it."""
    papers_at = at if papers_at is None else papers_at
    mid = _uuid(meeting_id)
    row = _one(pmo, sa.select(meetings).where(visible(meetings, at), meetings.c.id == mid)) if mid else None
    if row is None:
        return None
    row = _meeting_row(row)
    items = _rows(pmo, sa.select(agenda.c.n, agenda.c.title, agenda.c.project_id).where(
        visible(agenda, at), agenda.c.meeting_id == mid).order_by(agenda.c.n))
    for item in items:
        project = core_queries.get_project(pmo, item["project_id"], at=papers_at) if item["project_id"] else None
        item["project"] = ({k: project.get(k) for k in ("id", "code", "name", "stage", "overall", "manager")}
                           if project else None)
    row["agenda"] = items
    records = _rows(pmo, sa.select(links.c.record_id, links.c.kind).where(visible(links, at), links.c.source_id == mid))
    row["decision_records"] = [d for d in (core_queries.get_decision(pmo, r["record_id"], at=at)
                                           for r in records if r["kind"] == "decision") if d]
    row["action_records"] = [a for a in (core_queries.get_action(pmo, r["record_id"], at=at)
                                         for r in records if r["kind"] == "action") if a]
    return row


def source_of(pmo: PMO, record_id: Any, at: int | None = None) -> Row | None:
    """Which gate review or meeting took a core decision or action: ``{source_kind, source_id, label}``."""
    rid = _uuid(record_id)
    return _one(pmo, sa.select(links).where(visible(links, at), links.c.record_id == rid)) if rid else None


# --- who may change what ----------------------------------------------------------------------

def may_prepare(pmo: PMO, user: Any, project: Row | None) -> bool:
    """Open a review and answer its checklist: who edits the project (its manager, pmo, admin)."""
    return permissions.can_edit_project(user, project)


def may_decide(user: Any) -> bool:
    """Give a gate's verdict, run meetings, set checklists: the PMO (pmo, admin), not the
    project's own manager."""
    return permissions.can_edit_portfolio(user)


def may_write(user: Any) -> bool:
    """Roles that write at all (admin, pmo, manager); rights over each review come later."""
    return permissions.can_edit_project(user, None)
