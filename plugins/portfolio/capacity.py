"""Which capacity the selection weighs demands against, and where it comes from.

With the resources plugin enabled, a role's capacity in a period is what its people can give
(hours, from their contracts and capacity periods) minus what their allocations to running
(active) projects already take; a running project's own demands are then not counted again
(its people are booked already). Only roles the resources plugin knows are limited: a role
nobody holds there is named as unknown, not read as zero. Periods are the ones the candidates
demand: a month, or a quarter (its three months summed).

Without the resources plugin, the capacities entered in the envelope are used as they are.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from core.pmo import PMO

RUNNING = ("active",)


def months_of(period: str) -> list[date]:
    """'2026-03' -> [2026-03-01]; '2026-Q2' -> April, May and June."""
    year, rest = int(period[:4]), period[5:]
    if rest.startswith("Q"):
        first = (int(rest[1]) - 1) * 3 + 1
        return [date(year, first + n, 1) for n in range(3)]
    return [date(year, int(rest), 1)]


def from_resources(pmo: PMO) -> bool:
    return "resources" in pmo.enabled_plugins()


def available(pmo: PMO, at: int | None, ranked: list[dict[str, Any]], envelope: dict | None) -> dict[str, Any]:
    """``{"source": "resources"|"envelope", "capacities": {(role, period): amount}, "unknown_roles":
    [...], "running": {project ids whose demands are already booked}}``."""
    if not from_resources(pmo):
        return {"source": "envelope", "unknown_roles": [], "running": set(),
                "capacities": {(c["role"], c["period"]): c["amount"] for c in (envelope or {}).get("capacities", [])}}
    from plugins.resources import queries as resource_queries

    running = {r["project_id"] for r in ranked if r["stage"] in RUNNING}
    wanted = sorted({(d["role"], d["period"]) for r in ranked if r["project_id"] not in running for d in r["demands"]})
    months = sorted({m for _, period in wanted for m in months_of(period)})
    hours = resource_queries.role_hours(pmo, months, running, at) if months else {}
    capacities, unknown = {}, set()
    for role, period in wanted:
        known = hours.get(role.lower())
        if known is None:
            unknown.add(role)
            continue
        capacities[(role, period)] = round(sum(max(known["months"][m]["capacity"] - known["months"][m]["booked"], 0.0)
                                               for m in months_of(period)), 1)
    return {"source": "resources", "capacities": capacities, "unknown_roles": sorted(unknown), "running": running}
