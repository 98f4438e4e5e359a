"""A scenario against the live portfolio: its changes applied on top of the *current* live
state (never on a copy taken at the branch), both selections side by side, cost and
capacity demand per month, and what changed in the live ledger since the branch.

Cost per month spreads each selected project's cost evenly over the days from its start to
its end date (a project without both dates is counted as unscheduled). Capacity compares the
demands of the selected projects per role and period (a month, or a quarter) with the
capacity there: the resources plugin's when enabled, else the envelope's, with the
scenario's own capacity changes on top.
"""
from __future__ import annotations

import copy
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from core import queries as core_queries
from core.pmo import PMO
from plugins.portfolio import capacity, queries
from plugins.portfolio.domain import ENVELOPE_ID, Appraisal
from plugins.portfolio.scenarios.domain import Scenario

Row = dict[str, Any]
MAX_MONTHS = 36


def shift_period(period: str, days: int) -> str:
    """The period a demand falls in once its project moves by ``days`` (whole months, rounded)."""
    months = round(days / 30.44)
    year, rest = int(period[:4]), period[5:]
    if rest.startswith("Q"):
        index = year * 4 + int(rest[1]) - 1 + round(months / 3)
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    index = year * 12 + int(rest) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _plus(day: date | None, days: int) -> date | None:
    return day + timedelta(days=days) if day else None


def apply(scenario: Scenario, ranked: list[Row], env: Row | None) -> tuple[list[Row], Row | None, list[str]]:
    """The live rows and envelope with the scenario's changes on top, and a note per change
    that no longer applies to the live portfolio (a project ended since the branch)."""
    rows = {r["project_id"]: copy.deepcopy(r) for r in ranked}
    env = copy.deepcopy(env) if env else None
    notes = []
    for change in scenario.changes.values():
        kind, row = change["kind"], rows.get(change.get("project_id"))
        if kind in ("drop", "shift", "cost", "must_do") and row is None:
            notes.append(f"{change['code']} is no longer an open project: its {kind.replace('_', '-')} change "
                         f"does not apply")
            continue
        if kind == "drop":
            del rows[change["project_id"]]
        elif kind == "shift":
            row["start_date"], row["end_date"] = _plus(row["start_date"], change["days"]), _plus(row["end_date"], change["days"])
            row["demands"] = [{**d, "period": shift_period(d["period"], change["days"])} for d in row["demands"]]
        elif kind == "cost":
            row["cost"] = change["cost"]
        elif kind == "must_do":
            row["must_do"] = change["must_do"]
        elif kind == "budget":
            env = {**(env or {"capacities": []}), "budget": change["budget"]}
    result = sorted(rows.values(), key=lambda r: (-r["weighted"], r["code"]))
    return result, env, notes


def _capacity_overrides(scenario: Scenario) -> dict[tuple[str, str], float]:
    return {(c["role"], c["period"]): c["amount"] for c in scenario.changes.values() if c["kind"] == "capacity"}


def _month_starts(first: date, last: date) -> list[date]:
    months, m = [], date(first.year, first.month, 1)
    while m <= last and len(months) < MAX_MONTHS:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return months


def _cost_by_month(chosen: list[Row], months: list[date]) -> tuple[dict[date, float], float]:
    spread: dict[date, float] = defaultdict(float)
    unscheduled = 0.0
    for r in chosen:
        if not (r["start_date"] and r["end_date"]):
            unscheduled += r["cost"]
            continue
        days = (r["end_date"] - r["start_date"]).days + 1
        for m in months:
            nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
            overlap = (min(nxt - timedelta(days=1), r["end_date"]) - max(m, r["start_date"])).days + 1
            if overlap > 0:
                spread[m] += r["cost"] * overlap / days
    return spread, unscheduled


def _demand(chosen: list[Row], running: set) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = defaultdict(float)
    for r in chosen:
        if r["project_id"] not in running:
            for d in r["demands"]:
                found[(d["role"], d["period"])] += d["amount"]
    return found


def _side(result: Row) -> Row:
    return {"feasible": result["feasible"], "value": result["value"], "cost": result["cost"],
            "budget": result["budget"], "binding": result["binding"],
            "exceeded_by_must_dos": result["exceeded_by_must_dos"],
            "chosen": [r["code"] for r in result["chosen"]], "left_out": [r["code"] for r in result["left_out"]]}


def compare(pmo: PMO, scenario: Scenario) -> Row:
    """Live and scenario side by side, evaluated now on the current live portfolio."""
    ranked = queries.ranking(pmo)
    env = queries.get_envelope(pmo)
    live_caps = capacity.available(pmo, None, ranked, env)
    live = queries.select(ranked, env, None, live_caps)
    rows, sc_env, notes = apply(scenario, ranked, env)
    sc_caps = capacity.available(pmo, None, rows, sc_env)
    sc_caps["capacities"] = {**sc_caps["capacities"], **_capacity_overrides(scenario)}
    scen = queries.select(rows, sc_env, None, sc_caps)

    dated = [r for side in (live, scen) for r in side["chosen"] if r["start_date"] and r["end_date"]]
    months = _month_starts(min(r["start_date"] for r in dated), max(r["end_date"] for r in dated)) if dated else []
    live_cost, live_unscheduled = _cost_by_month(live["chosen"], months)
    sc_cost, sc_unscheduled = _cost_by_month(scen["chosen"], months)
    live_demand, sc_demand = _demand(live["chosen"], live_caps["running"]), _demand(scen["chosen"], sc_caps["running"])
    keys = sorted(set(live_demand) | set(sc_demand) | set(live_caps["capacities"]) | set(sc_caps["capacities"]),
                  key=lambda k: (k[1], k[0].lower()))
    capacity_rows = [{"role": role, "period": period,
                      "live_demand": round(live_demand.get((role, period), 0.0), 1),
                      "live_capacity": live_caps["capacities"].get((role, period)),
                      "scenario_demand": round(sc_demand.get((role, period), 0.0), 1),
                      "scenario_capacity": sc_caps["capacities"].get((role, period))} for role, period in keys]
    live_side, sc_side = _side(live), _side(scen)
    return {
        "live": live_side, "scenario": sc_side, "notes": notes, "capacity_source": live["capacity_source"],
        "moved_in": sorted(set(sc_side["chosen"]) - set(live_side["chosen"])),
        "moved_out": sorted(set(live_side["chosen"]) - set(sc_side["chosen"])),
        "months": [{"month": m.strftime("%Y-%m"), "live_cost": round(live_cost.get(m, 0.0), 2),
                    "scenario_cost": round(sc_cost.get(m, 0.0), 2)} for m in months],
        "unscheduled": {"live": live_unscheduled, "scenario": sc_unscheduled},
        "capacity": capacity_rows,
    }


def since_branch(pmo: PMO, scenario: Scenario) -> list[Row]:
    """Live ledger records after the branch that touch the scenario's projects (the project,
    its milestones, its appraisal) or the envelope, oldest first."""
    codes: dict[Any, str] = {}
    for change in scenario.changes.values():
        if change.get("project_id") is not None:
            pid = change["project_id"]
            codes[pid] = change["code"]
            codes[Appraisal.create_id(pid)] = change["code"]
            for m in core_queries.list_milestones(pmo, pid):
                codes[m["id"]] = change["code"]
    codes[ENVELOPE_ID] = "envelope"
    log = pmo.log_index.table
    with pmo.read() as conn:
        rows = conn.execute(sa.select(log).where(log.c.position > scenario.branch_position,
                                                 log.c.originator_id.in_(list(codes)))
                            .order_by(log.c.position)).mappings().all()
    return [{"position": r["position"], "occurred_at": r["occurred_at"], "topic": r["topic"], "actor": r["actor"],
             "reason": r["reason"] or "", "about": codes[r["originator_id"]]} for r in rows]
