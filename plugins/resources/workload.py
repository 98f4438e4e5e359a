"""Capacity against demand, month by month: the heat map, the over-allocation warnings and the
skills search. Hours come from ``capacity`` (working days, FTE); rows from ``queries`` as of
``at``, so every view shows the plan as it was recorded at that moment.

Demand on a person is their active allocations. By role, unfilled demand for that role (the
FTE of open demand still unfilled) is added to what the role's people are allocated; by
department, only allocations count (a demand names a role, not a department).
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from core import queries as core_queries
from core.pmo import PMO
from plugins.resources import capacity as cap
from plugins.resources import queries
from plugins.resources.domain import skill_key

Row = dict[str, Any]
GROUPINGS = ("person", "role", "department")
NO_DEPARTMENT = "(no department)"


def person_loads(pmo: PMO, at: int | None, months: list[date], person_ids: Any = None) -> list[Row]:
    """Per person: ``{"person": row, "months": {month: {"capacity", "allocated", "projects": {id: h}}}}``."""
    people = queries.list_people(pmo, at)
    if person_ids is not None:
        wanted = set(person_ids)
        people = [p for p in people if p["id"] in wanted]
    ids = {p["id"] for p in people}
    periods = queries.capacity_periods(pmo, list(ids), at)
    first, last = months[0], cap.month_end(months[-1])
    booked: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for a in queries.list_allocations(pmo, at):
        if a["person_id"] in ids and a["start_date"] <= last and a["end_date"] >= first:
            booked[a["person_id"]].append(a)
    loads = []
    for person in people:
        spans = [cap.Period(p["start_date"], p["end_date"], p["hours_per_week"]) for p in periods.get(person["id"], [])]
        per_month = {}
        for month in months:
            projects: dict[uuid.UUID, float] = defaultdict(float)
            for a in booked.get(person["id"], []):
                hours = cap.allocation_hours(a["start_date"], a["end_date"], a["percent"], a["hours_per_month"], month)
                if hours:
                    projects[a["project_id"]] += hours
            per_month[month] = {"capacity": cap.capacity_hours(person["hours_per_week"], spans, month),
                                "allocated": sum(projects.values()), "projects": dict(projects)}
        loads.append({"person": person, "months": per_month, "allocations": booked.get(person["id"], [])})
    return loads


def _unfilled(pmo: PMO, at: int | None, months: list[date]) -> dict[str, dict[date, dict[uuid.UUID, float]]]:
    """Role (lower case) -> month -> project -> hours of demand not yet filled."""
    found: dict[str, dict[date, dict[uuid.UUID, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    for d in queries.list_demands(pmo, at, status="open"):
        for month in months:
            hours = cap.fte_hours(d["open_fte"], d["start_date"], d["end_date"], month)
            if hours:
                found[d["role"].lower()][month][d["project_id"]] += hours
    return found


def _cell(month: date, capacity: float, allocated: float, unfilled: float, projects: dict, codes: dict) -> Row:
    demand = allocated + unfilled
    named = sorted(((codes.get(pid, "?"), hours) for pid, hours in projects.items()), key=lambda x: (-x[1], x[0]))
    return {"month": cap.label(month), "capacity": round(capacity, 1), "allocated": round(allocated, 1),
            "unfilled": round(unfilled, 1), "demand": round(demand, 1), "status": cap.status(capacity, demand),
            "load_pct": round(100 * demand / capacity) if capacity > cap.TOLERANCE else None,
            "projects": [{"code": code, "hours": round(hours, 1)} for code, hours in named]}


def heatmap(pmo: PMO, at: int | None, by: str = "person", first: date | None = None, count: int = 12,
            today: date | None = None) -> Row:
    """Rows (people, roles or departments) x months, each cell capacity against demand in hours."""
    first = cap.month_start(first or cap.add_months(cap.month_start(today or date.today()), -2))
    months = cap.months(first, count)
    loads = person_loads(pmo, at, months)
    codes = {p["id"]: p["code"] for p in core_queries.list_projects(pmo, at=at)}
    groups: dict[str, dict[str, Any]] = {}
    for load in loads:
        person = load["person"]
        if person["forgotten"] and not any(m["allocated"] for m in load["months"].values()):
            continue  # nothing to plan for someone forgotten, unless history still books them
        if by == "person":
            key, label = str(person["id"]), person["name"]
        elif by == "role":
            key, label = person["role"].lower(), person["role"]
        else:
            key = (person["department"] or NO_DEPARTMENT).lower()
            label = person["department"] or NO_DEPARTMENT
        group = groups.setdefault(key, {"key": key, "label": label, "people": 0, "months": defaultdict(
            lambda: {"capacity": 0.0, "allocated": 0.0, "unfilled": 0.0, "projects": defaultdict(float)})})
        group["people"] += 1
        for month, m in load["months"].items():
            cell = group["months"][month]
            cell["capacity"] += m["capacity"]
            cell["allocated"] += m["allocated"]
            for pid, hours in m["projects"].items():
                cell["projects"][pid] += hours
    if by == "role":
        for role, per_month in _unfilled(pmo, at, months).items():
            group = groups.setdefault(role, {"key": role, "label": role, "people": 0, "months": defaultdict(
                lambda: {"capacity": 0.0, "allocated": 0.0, "unfilled": 0.0, "projects": defaultdict(float)})})
            for month, projects in per_month.items():
                group["months"][month]["unfilled"] += sum(projects.values())
    rows = []
    for group in sorted(groups.values(), key=lambda g: (g["label"].lower(), g["key"])):
        cells = [_cell(month, **group["months"][month], codes=codes) for month in months]
        rows.append({"key": group["key"], "label": group["label"], "people": group["people"], "cells": cells})
    return {"by": by, "months": [cap.label(m) for m in months], "rows": rows}


def over_allocations(pmo: PMO, at: int | None = None, months: list[date] | None = None,
                     person_ids: Any = None, today: date | None = None) -> list[Row]:
    """Each person and month booked beyond capacity, with the projects that book them."""
    months = months or cap.months(cap.add_months(cap.month_start(today or date.today()), -2), 12)
    projects = {p["id"]: p for p in core_queries.list_projects(pmo, at=at)}
    warnings = []
    for load in person_loads(pmo, at, months, person_ids):
        for month, m in load["months"].items():
            if cap.status(m["capacity"], m["allocated"]) != "over":
                continue
            booked = sorted(m["projects"].items(), key=lambda kv: -kv[1])
            warnings.append({
                "person_id": load["person"]["id"], "person_name": load["person"]["name"], "month": cap.label(month),
                "capacity": round(m["capacity"], 1), "allocated": round(m["allocated"], 1),
                "over_by": round(m["allocated"] - m["capacity"], 1),
                "projects": [{"id": pid, "code": projects.get(pid, {}).get("code", "?"),
                              "name": projects.get(pid, {}).get("name", ""), "hours": round(h, 1)} for pid, h in booked],
            })
    return sorted(warnings, key=lambda w: (w["month"], w["person_name"].lower()))


def describe(warning: Row) -> str:
    """'Anna Berg is booked 184.0 h of 160.0 h in 2026-05 by DIG-01 (120.0 h), WPL-02 (64.0 h)'."""
    projects = ", ".join(f"{p['code']} ({p['hours']} h)" for p in warning["projects"])
    return (f"{warning['person_name']} is booked {warning['allocated']} h of {warning['capacity']} h "
            f"in {warning['month']} by {projects}")


def search(pmo: PMO, at: int | None, skill: str | None = None, min_level: int = 1, month: date | None = None,
           min_free_pct: int = 20) -> list[Row]:
    """People (not forgotten) with ``skill`` at ``min_level`` or above (no skill: everyone); with
    ``month``, only those with at least ``min_free_pct`` of a full-time month unallocated then."""
    wanted = skill_key(skill or "")
    found = []
    for person in queries.list_people(pmo, at, include_forgotten=False):
        level = next((s["level"] for s in person["skills"] if s["skill_key"] == wanted), None)
        if not wanted or (level is not None and level >= min_level):
            found.append({**person, "level": level})
    if month is None or not found:
        return found
    month = cap.month_start(month)
    need = min_free_pct / 100 * cap.full_time_hours(month)
    loads = {load["person"]["id"]: load["months"][month]
             for load in person_loads(pmo, at, [month], [p["id"] for p in found])}
    matched = []
    for person in found:
        m = loads[person["id"]]
        free = m["capacity"] - m["allocated"]
        if free >= need - cap.TOLERANCE:
            matched.append({**person, "capacity": round(m["capacity"], 1), "allocated": round(m["allocated"], 1),
                            "free": round(free, 1)})
    return sorted(matched, key=lambda p: (-(p["level"] or 0), -p["free"], p["name"].lower()))
