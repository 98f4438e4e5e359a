"""Reads over the resources read models. ``at`` is a log position (None: now).

Sealed columns are opened here with the people's keys (one query for all the keys a list
needs); a person whose key is gone is shown as "forgotten person", their sealed values empty.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from core import permissions
from core import queries as core_queries
from core.pmo import PMO
from events.temporal import visible
from plugins.resources import vault
from plugins.resources.domain import skill_key
from plugins.resources.projections import allocations, capacity, demands, development, fills, people, skills

Row = dict[str, Any]
HIDDEN = ("row_id", "valid_from", "valid_to")
FORGOTTEN = vault.FORGOTTEN


def as_uuid(value: Any) -> uuid.UUID | None:
    if value in (None, "") or isinstance(value, uuid.UUID):
        return value or None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _rows(pmo: PMO, stmt: sa.Select) -> list[Row]:
    with pmo.read() as conn:
        return [{k: v for k, v in r.items() if k not in HIDDEN} for r in conn.execute(stmt).mappings()]


# --- people ---------------------------------------------------------------------------------

def _open_person(row: Row, ring: dict) -> Row:
    values = None if row.get("forgotten") else vault.unseal(ring, row["id"], row.pop("personal", "") or "")
    row.pop("personal", None)
    row["name"] = (values or {}).get("name") or FORGOTTEN
    row["email"] = (values or {}).get("email", "")
    row["forgotten"] = bool(row.get("forgotten")) or values is None
    return row


def names(pmo: PMO, person_ids: Any, at: int | None = None) -> dict[uuid.UUID, str]:
    """Person id -> name ("forgotten person" when their key is gone)."""
    ids = list({p for p in person_ids if p})
    if not ids:
        return {}
    rows = _rows(pmo, sa.select(people.c.id, people.c.personal, people.c.forgotten)
                 .where(visible(people, at), people.c.id.in_(ids)))
    ring = vault.keyring(pmo, ids)
    return {r["id"]: _open_person(r, ring)["name"] for r in rows}


def list_people(pmo: PMO, at: int | None = None, *, q: str | None = None, role: str | None = None,
                department: str | None = None, include_forgotten: bool = True) -> list[Row]:
    """Everyone, by name; ``q`` looks in name, email, role and department."""
    stmt = sa.select(people).where(visible(people, at))
    if role:
        stmt = stmt.where(sa.func.lower(people.c.role) == role.lower())
    if department:
        stmt = stmt.where(sa.func.lower(people.c.department) == department.lower())
    rows = _rows(pmo, stmt)
    ring = vault.keyring(pmo, [r["id"] for r in rows])
    rows = [_open_person(r, ring) for r in rows]
    if not include_forgotten:
        rows = [r for r in rows if not r["forgotten"]]
    if q:
        needle = q.lower()
        rows = [r for r in rows if any(needle in (r[k] or "").lower() for k in ("name", "email", "role", "department"))]
    levels = skills_by_person(pmo, [r["id"] for r in rows], at)
    for r in rows:
        r["skills"] = levels.get(r["id"], [])
    return sorted(rows, key=lambda r: (r["forgotten"], r["name"].lower(), str(r["id"])))


def get_person(pmo: PMO, person_id: Any, at: int | None = None) -> Row | None:
    pid = as_uuid(person_id)
    if pid is None:
        return None
    rows = _rows(pmo, sa.select(people).where(visible(people, at), people.c.id == pid))
    if not rows:
        return None
    row = _open_person(rows[0], vault.keyring(pmo, [pid]))
    row["skills"] = skills_by_person(pmo, [pid], at).get(pid, [])
    return row


def find_person(pmo: PMO, key: str, at: int | None = None) -> Row | None:
    """A person by id or by email (the CLI's and the import's way to name someone)."""
    found = get_person(pmo, key, at) if as_uuid(key) else None
    if found is None and key:
        found = next((p for p in list_people(pmo, at) if p["email"] and p["email"] == key.strip().lower()), None)
    return found


def skills_by_person(pmo: PMO, person_ids: list, at: int | None = None) -> dict[uuid.UUID, list[Row]]:
    if not person_ids:
        return {}
    stmt = sa.select(skills).where(visible(skills, at), skills.c.person_id.in_(person_ids)).order_by(skills.c.skill_key)
    found: dict[uuid.UUID, list[Row]] = {}
    for row in _rows(pmo, stmt):
        found.setdefault(row["person_id"], []).append(row)
    return found


def capacity_periods(pmo: PMO, person_ids: list | None = None, at: int | None = None) -> dict[uuid.UUID, list[Row]]:
    """Per person, their capacity periods in recorded order, notes opened."""
    stmt = sa.select(capacity).where(visible(capacity, at)).order_by(capacity.c.person_id, capacity.c.period)
    if person_ids is not None:
        stmt = stmt.where(capacity.c.person_id.in_(person_ids))
    rows = _rows(pmo, stmt)
    ring = vault.keyring(pmo, {r["person_id"] for r in rows if r["note"]})
    found: dict[uuid.UUID, list[Row]] = {}
    for row in rows:
        row["note"] = (vault.unseal(ring, row["person_id"], row["note"] or "") or {}).get("note", "")
        found.setdefault(row["person_id"], []).append(row)
    return found


def development_records(pmo: PMO, person_id: uuid.UUID, at: int | None = None) -> list[Row]:
    rows = _rows(pmo, sa.select(development).where(visible(development, at), development.c.person_id == person_id)
                 .order_by(development.c.recorded_on.desc(), development.c.record.desc()))
    ring = vault.keyring(pmo, [person_id])
    for row in rows:
        values = vault.unseal(ring, person_id, row.pop("details") or "")
        row["title"] = (values or {}).get("title") or "(forgotten)"
        row["note"] = (values or {}).get("note", "")
    return rows


def choices(pmo: PMO, at: int | None = None) -> dict[str, list[str]]:
    """The roles, departments and skills in use, for filters and suggestions."""
    with pmo.read() as conn:
        roles = conn.execute(sa.select(people.c.role).where(visible(people, at)).distinct()).scalars().all()
        depts = conn.execute(sa.select(people.c.department).where(visible(people, at)).distinct()).scalars().all()
        named = conn.execute(sa.select(skills.c.skill).where(visible(skills, at))).scalars().all()
        asked = conn.execute(sa.select(demands.c.role).where(visible(demands, at)).distinct()).scalars().all()
    by_key = {skill_key(s): s for s in sorted(named)}
    return {"roles": sorted({r for r in [*roles, *asked] if r}, key=str.lower),
            "departments": sorted({d for d in depts if d}, key=str.lower),
            "skills": sorted(by_key.values(), key=str.lower)}


# --- allocations and demand -----------------------------------------------------------------

def _projects(pmo: PMO, at: int | None) -> dict[uuid.UUID, Row]:
    return {p["id"]: p for p in core_queries.list_projects(pmo, at=at)}


def _named(pmo: PMO, rows: list[Row], at: int | None) -> list[Row]:
    projects = _projects(pmo, at)
    who = names(pmo, [r.get("person_id") for r in rows], at)
    for row in rows:
        project = projects.get(row["project_id"]) or {}
        row["project_code"], row["project_name"] = project.get("code"), project.get("name")
        if "person_id" in row:
            row["person_name"] = who.get(row["person_id"], FORGOTTEN) if row["person_id"] else None
    return rows


def list_allocations(pmo: PMO, at: int | None = None, *, person_id: Any = None, project_id: Any = None,
                     status: str | None = "active") -> list[Row]:
    """Allocations, earliest first; ``status`` 'all' (or None) lists withdrawn ones too."""
    stmt = sa.select(allocations).where(visible(allocations, at))
    if person_id:
        stmt = stmt.where(allocations.c.person_id == as_uuid(person_id))
    if project_id:
        stmt = stmt.where(allocations.c.project_id == as_uuid(project_id))
    if status and status != "all":
        stmt = stmt.where(allocations.c.status == status)
    rows = _named(pmo, _rows(pmo, stmt), at)
    return sorted(rows, key=lambda r: (r["start_date"], r["project_code"] or "", r["person_name"] or ""))


def get_allocation(pmo: PMO, allocation_id: Any, at: int | None = None) -> Row | None:
    aid = as_uuid(allocation_id)
    rows = _rows(pmo, sa.select(allocations).where(visible(allocations, at), allocations.c.id == aid)) if aid else []
    return _named(pmo, rows, at)[0] if rows else None


def _with_fills(pmo: PMO, rows: list[Row], at: int | None) -> list[Row]:
    ids = [r["id"] for r in rows]
    found: dict[uuid.UUID, list[Row]] = {}
    if ids:
        stmt = sa.select(fills).where(visible(fills, at), fills.c.demand_id.in_(ids)).order_by(fills.c.valid_from)
        filled = _rows(pmo, stmt)
        who = names(pmo, [f["person_id"] for f in filled], at)
        for f in filled:
            f["person_name"] = who.get(f["person_id"], FORGOTTEN)
            found.setdefault(f["demand_id"], []).append(f)
    for row in rows:
        row["fills"] = found.get(row["id"], [])
    return rows


def list_demands(pmo: PMO, at: int | None = None, *, project_id: Any = None, role: str | None = None,
                 status: str | None = "open") -> list[Row]:
    """Role-based demand, earliest first; ``status`` open (unfilled, in part or whole) by default."""
    stmt = sa.select(demands).where(visible(demands, at))
    if project_id:
        stmt = stmt.where(demands.c.project_id == as_uuid(project_id))
    if role:
        stmt = stmt.where(sa.func.lower(demands.c.role) == role.lower())
    if status and status != "all":
        stmt = stmt.where(demands.c.status == status)
    rows = _with_fills(pmo, _named(pmo, _rows(pmo, stmt), at), at)
    return sorted(rows, key=lambda r: (r["start_date"], r["project_code"] or "", r["role"].lower()))


def get_demand(pmo: PMO, demand_id: Any, at: int | None = None) -> Row | None:
    did = as_uuid(demand_id)
    rows = _rows(pmo, sa.select(demands).where(visible(demands, at), demands.c.id == did)) if did else []
    return _with_fills(pmo, _named(pmo, rows, at), at)[0] if rows else None


def role_hours(pmo: PMO, months: list, booked_projects: Any, at: int | None = None) -> dict[str, Row]:
    """Per role (lower case): ``{"role": label, "months": {month: {"capacity": h, "booked": h}}}``,
    the role's people's capacity in hours per month and what their active allocations to
    ``booked_projects`` (project ids) take of it. For the portfolio plugin's selection; reads
    no sealed data."""
    from plugins.resources import capacity as cap

    wanted = set(booked_projects)
    rows = _rows(pmo, sa.select(people.c.id, people.c.role, people.c.hours_per_week).where(visible(people, at)))
    periods = capacity_periods(pmo, [r["id"] for r in rows], at)
    role_of = {r["id"]: r["role"] or "" for r in rows}
    found: dict[str, Row] = {}
    for r in rows:
        entry = found.setdefault(role_of[r["id"]].lower(), {"role": role_of[r["id"]], "months": {
            m: {"capacity": 0.0, "booked": 0.0} for m in months}})
        spans = [cap.Period(p["start_date"], p["end_date"], p["hours_per_week"]) for p in periods.get(r["id"], [])]
        for m in months:
            entry["months"][m]["capacity"] += cap.capacity_hours(r["hours_per_week"], spans, m)
    for a in _rows(pmo, sa.select(allocations).where(visible(allocations, at), allocations.c.status == "active")):
        if a["project_id"] in wanted and a["person_id"] in role_of:
            for m in months:
                found[role_of[a["person_id"]].lower()]["months"][m]["booked"] += cap.allocation_hours(
                    a["start_date"], a["end_date"], a["percent"], a["hours_per_month"], m)
    return found


# --- who may change what --------------------------------------------------------------------

def may_plan(pmo: PMO, user: Any, project_id: Any) -> bool:
    """Allocations and demand of a project: its manager, pmo and admin."""
    project = core_queries.get_project(pmo, project_id) if project_id else None
    return project is not None and permissions.can_edit_project(user, project)


def may_write(user: Any) -> bool:
    """Roles that write at all (admin, pmo, manager); rights over each project come later."""
    return permissions.can_edit_project(user, None)


def may_manage_people(user: Any) -> bool:
    """People's records (details, capacity, skills, development): pmo and admin."""
    return permissions.can_edit_portfolio(user)
