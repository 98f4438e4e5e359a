"""Reads over the benefits read models. ``at`` is a log position (None: now), ``today`` the
day the plan is judged on (the as-of day on an as-of page). A measurement recorded after
``at`` is invisible to all of them: in the lists, the state, the curve, the map and the totals.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa

from core import permissions
from core import queries as core_queries
from core.pmo import PMO
from events.temporal import visible
from plugins.benefits import realisation
from plugins.benefits.projections import benefits, links, measurements, objectives

Row = dict[str, Any]
HIDDEN = ("row_id", "valid_from", "valid_to")
SORTS = ("ref", "title", "owner", "kind", "state", "target_date", "latest_on")


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


# --- objectives -------------------------------------------------------------------------------

def list_objectives(pmo: PMO, at: int | None = None) -> list[Row]:
    return _rows(pmo, sa.select(objectives).where(visible(objectives, at)).order_by(objectives.c.ref))


def get_objective(pmo: PMO, objective_id: Any, at: int | None = None) -> Row | None:
    oid = _uuid(objective_id)
    rows = _rows(pmo, sa.select(objectives).where(visible(objectives, at), objectives.c.id == oid)) if oid else []
    return rows[0] if rows else None


# --- benefits ---------------------------------------------------------------------------------

def _links(pmo: PMO, benefit_ids: list[uuid.UUID], at: int | None) -> list[Row]:
    if not benefit_ids:
        return []
    return _rows(pmo, sa.select(links).where(visible(links, at), links.c.benefit_id.in_(benefit_ids)))


def _decorate(pmo: PMO, rows: list[Row], at: int | None, today: date) -> list[Row]:
    """Names for the links, the state by the rule, the plan today, who measures."""
    objs = {o["id"]: o for o in list_objectives(pmo, at)}
    projs = {p["id"]: p for p in core_queries.list_projects(pmo, at=at)}
    by_benefit: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for link in _links(pmo, [r["id"] for r in rows], at):
        by_benefit[link["benefit_id"]].append(link)
    for r in rows:
        mine = by_benefit.get(r["id"], [])
        r["objectives"] = sorted(({"id": o, "ref": objs[o]["ref"], "title": objs[o]["title"]}
                                  for o in (l["target_id"] for l in mine if l["kind"] == "objective") if o in objs),
                                 key=lambda o: o["ref"])
        r["enablers"] = sorted(({"project_id": p["id"], "code": p["code"], "name": p["name"], "stage": p["stage"],
                                 "programme_id": p["programme_id"], "output": l["output"] or ""}
                                for l in mine if l["kind"] == "project" and (p := projs.get(l["target_id"]))),
                               key=lambda p: p["code"])
        latest = (r["latest_on"], r["latest_value"]) if r["latest_on"] is not None else None
        r["state"] = realisation.state(r, latest)
        r["at_risk"] = r["status"] == "open" and r["state"] == "at risk"
        r["planned_today"] = realisation.planned_at(r, today)
        r["planned_at_latest"] = realisation.planned_at(r, r["latest_on"]) if latest else None
        r["next_due"] = realisation.next_due(r, r["latest_on"])
        r["measurement_due"] = r["status"] == "open" and r["next_due"] < today
        r["measured_by"] = r["measurement_owner"] or r["owner"]
        r["handed_over"] = bool(r["handed_over"])
    return rows


def list_benefits(pmo: PMO, at: int | None = None, today: date | None = None, *, objective_id: Any = None,
                  project_id: Any = None, programme_id: Any = None, kind: str | None = None,
                  category: str | None = None, state: str | None = None, status: str | None = "all",
                  owner: str | None = None, at_risk: bool | None = None, q: str | None = None,
                  sort: str = "ref") -> list[Row]:
    """The benefits register, filtered (AND) and sorted; ``status`` 'all' lists every status."""
    today = today or date.today()
    t = benefits
    stmt = sa.select(t).where(visible(t, at))
    linked = []
    if objective_id:
        linked.append(("objective", [_uuid(objective_id)]))
    if project_id:
        linked.append(("project", [_uuid(project_id)]))
    if programme_id:
        linked.append(("project", [p["id"] for p in core_queries.list_projects(pmo, at=at,
                                                                                programme_id=_uuid(programme_id))]))
    for kind_of_link, targets in linked:
        stmt = stmt.where(t.c.id.in_(sa.select(links.c.benefit_id).where(
            visible(links, at), links.c.kind == kind_of_link, links.c.target_id.in_(targets))))
    for column, value in (("kind", kind), ("category", category), ("owner", owner)):
        if value:
            stmt = stmt.where(t.c[column] == value)
    if status and status != "all":
        stmt = stmt.where(t.c.status == status)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(*(sa.func.lower(t.c[c]).like(like) for c in ("ref", "title", "indicator"))))
    rows = _decorate(pmo, _rows(pmo, stmt), at, today)
    if state:
        rows = [r for r in rows if r["state"] == state]
    if at_risk is not None:
        rows = [r for r in rows if r["at_risk"] == at_risk]
    name = (sort or "ref").lstrip("-")
    name = name if name in SORTS else "ref"
    rows.sort(key=lambda r: r["ref"])
    present = [r for r in rows if r.get(name) is not None]
    present.sort(key=lambda r: r[name], reverse=(sort or "").startswith("-"))
    return present + [r for r in rows if r.get(name) is None]


def get_benefit(pmo: PMO, benefit_id: Any, at: int | None = None, today: date | None = None) -> Row | None:
    bid = _uuid(benefit_id)
    rows = _rows(pmo, sa.select(benefits).where(visible(benefits, at), benefits.c.id == bid)) if bid else []
    return _decorate(pmo, rows, at, today or date.today())[0] if rows else None


def benefit_measurements(pmo: PMO, benefit: Row, at: int | None = None) -> list[Row]:
    """The measurements recorded by ``at``, by date, each with the plan on its date."""
    rows = _rows(pmo, sa.select(measurements).where(visible(measurements, at),
                                                     measurements.c.benefit_id == benefit["id"])
                 .order_by(measurements.c.measured_on))
    for m in rows:
        m["planned"] = realisation.planned_at(benefit, m["measured_on"])
    return rows


# --- the map and the overview -----------------------------------------------------------------

def benefit_map(pmo: PMO, at: int | None = None, today: date | None = None, programme_id: Any = None) -> Row:
    """Objective -> benefit -> enabling project for the portfolio, or for the benefits that a
    programme's projects enable. Nodes are what the links name; edges are the links, all of them."""
    rows = list_benefits(pmo, at, today, programme_id=programme_id, status="all")
    objs, projs, edges = {}, {}, []
    for b in rows:
        for o in b["objectives"]:
            objs[o["id"]] = o
            edges.append(("objective", o["id"], b["id"]))
        for p in b["enablers"]:
            projs[p["project_id"]] = p
            edges.append(("project", b["id"], p["project_id"]))
    return {"objectives": sorted(objs.values(), key=lambda o: o["ref"]), "benefits": rows,
            "projects": sorted(projs.values(), key=lambda p: p["code"]), "edges": edges}


def overview(pmo: PMO, at: int | None = None, today: date | None = None) -> list[Row]:
    """Per objective (and "No objective"): every benefit linked to it, measured or not, and
    totals per kind and unit: planned gain by today, realised gain (latest - baseline; 0 when
    not measured), and the target gain. A benefit serving two objectives counts in both."""
    today = today or date.today()
    rows = list_benefits(pmo, at, today, status="all")
    groups = [{"objective": o, "benefits": [b for b in rows if any(x["id"] == o["id"] for x in b["objectives"])]}
              for o in list_objectives(pmo, at)]
    groups.append({"objective": None, "benefits": [b for b in rows if not b["objectives"]]})
    for g in groups:
        totals: dict[tuple[str, str], Row] = {}
        for b in g["benefits"]:
            key = (b["kind"], b["unit"])
            t = totals.setdefault(key, {"kind": b["kind"], "unit": b["unit"], "planned": 0.0, "realised": 0.0,
                                        "target": 0.0, "benefits": 0, "measured": 0})
            t["benefits"] += 1
            t["planned"] += b["planned_today"] - b["baseline_value"]
            t["target"] += b["target_value"] - b["baseline_value"]
            if b["latest_on"] is not None:
                t["measured"] += 1
                t["realised"] += b["latest_value"] - b["baseline_value"]
        g["totals"] = sorted(totals.values(), key=lambda t: (t["kind"], t["unit"]))
        g["at_risk"] = sum(b["at_risk"] for b in g["benefits"])
        g["unmeasured"] = sum(b["latest_on"] is None for b in g["benefits"])
    return [g for g in groups if g["objective"] is not None or g["benefits"]]


def project_benefits(pmo: PMO, project_id: uuid.UUID, at: int | None = None, today: date | None = None) -> list[Row]:
    return list_benefits(pmo, at, today, project_id=project_id, status="all")


# --- who may change what ----------------------------------------------------------------------

def may_edit(pmo: PMO, user: Any, benefit: Row | None = None, project_ids: Any = None) -> bool:
    """A benefit enabled by projects: the manager of any of them, pmo and admin; a benefit of
    no project (and objectives): pmo and admin. Viewers and auditors: never."""
    ids = [e["project_id"] for e in benefit["enablers"]] if benefit is not None else list(project_ids or [])
    if permissions.can_edit_portfolio(user):
        return True
    for pid in ids:
        project = core_queries.get_project(pmo, pid)
        if project is not None and permissions.can_edit_project(user, project):
            return True
    return False


def may_write(user: Any) -> bool:
    """Roles that write at all (admin, pmo, manager); rights over each benefit come later."""
    return permissions.can_edit_project(user, None)
