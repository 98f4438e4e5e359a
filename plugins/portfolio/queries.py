"""Reads over the portfolio read models and the core's projects. ``at`` is a log position
(None: now); every answer is the portfolio as it was recorded at that position.

The weighted score of a project is ``sum(weight * score) / sum(weight)`` over all criteria, on
the 0-5 scale of the scores; a criterion not scored counts 0 (the row says how many are
scored). A strategic-alignment criterion (one naming an objective) that nobody scored by hand
reads 5 when the project enables a benefit serving that objective, else 0, with that as its
rationale: the benefit map is the evidence. A hand-given score always wins.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from core import queries as core_queries
from core.pmo import PMO
from events.temporal import visible
from plugins.portfolio import capacity, selection
from plugins.portfolio.domain import ENVELOPE_ID
from plugins.portfolio.projections import appraisals, criteria, envelope, links, objectives, scores

Row = dict[str, Any]
HIDDEN = ("row_id", "valid_from", "valid_to")
ENDED = ("closed", "cancelled")
ALIGNED = 5


def read_rows(pmo: PMO, stmt: sa.Select) -> list[Row]:
    with pmo.read() as conn:
        return [{k: v for k, v in r.items() if k not in HIDDEN} for r in conn.execute(stmt).mappings()]


def as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def list_criteria(pmo: PMO, at: int | None = None) -> list[Row]:
    rows = read_rows(pmo, sa.select(criteria).where(visible(criteria, at)).order_by(criteria.c.ref))
    titles = {o["id"]: o for o in read_rows(pmo, sa.select(objectives).where(visible(objectives, at)))}
    for r in rows:
        r["objective"] = titles.get(r["objective_id"])
    return rows


def get_criterion(pmo: PMO, criterion_id: Any, at: int | None = None) -> Row | None:
    cid = as_uuid(criterion_id)
    return next((c for c in list_criteria(pmo, at) if c["id"] == cid), None) if cid else None


def list_objectives(pmo: PMO, at: int | None = None) -> list[Row]:
    return read_rows(pmo, sa.select(objectives).where(visible(objectives, at)).order_by(objectives.c.ref))


def _alignment(pmo: PMO, at: int | None) -> dict[tuple[Any, Any], list[str]]:
    """(project, objective) -> the refs of the benefits the project enables that serve it."""
    by_benefit: dict[Any, Row] = defaultdict(lambda: {"objective": set(), "project": set(), "ref": ""})
    for link in read_rows(pmo, sa.select(links).where(visible(links, at))):
        by_benefit[link["benefit_id"]][link["kind"]].add(link["target_id"])
        by_benefit[link["benefit_id"]]["ref"] = link["benefit_ref"]
    aligned: dict[tuple[Any, Any], list[str]] = defaultdict(list)
    for b in by_benefit.values():
        for project in b["project"]:
            for objective in b["objective"]:
                aligned[(project, objective)].append(b["ref"])
    return aligned


def _appraisal_rows(pmo: PMO, at: int | None) -> dict[Any, Row]:
    rows = read_rows(pmo, sa.select(appraisals).where(visible(appraisals, at)))
    for r in rows:
        r["demands"] = json.loads(r["demands"] or "[]")
    return {r["project_id"]: r for r in rows}


def ranking(pmo: PMO, at: int | None = None, include_ended: bool = False) -> list[Row]:
    """Every project (not closed or cancelled, unless asked) with its score per criterion,
    rationale, weighted score, cost and must-do, best first (ties: by code)."""
    crits = list_criteria(pmo, at)
    total_weight = sum(c["weight"] for c in crits)
    given = defaultdict(dict)
    for s in read_rows(pmo, sa.select(scores).where(visible(scores, at))):
        given[s["project_id"]][s["criterion_id"]] = s
    aligned = _alignment(pmo, at)
    costs = _appraisal_rows(pmo, at)
    rows = []
    for p in core_queries.list_projects(pmo, at=at):
        if p["stage"] in ENDED and not include_ended:
            continue
        cells = []
        for c in crits:
            s = given[p["id"]].get(c["id"])
            if s is not None:
                cell = {"score": s["score"], "rationale": s["rationale"], "by": s["scored_by"], "derived": False}
            elif c["objective_id"] is not None:
                refs = sorted(aligned.get((p["id"], c["objective_id"]), []))
                cell = {"score": ALIGNED if refs else 0, "by": None, "derived": True,
                        "rationale": f"enables {', '.join(refs)}" if refs else "enables no benefit serving it"}
            else:
                cell = {"score": None, "rationale": "", "by": None, "derived": False}
            cells.append({"criterion_id": c["id"], "ref": c["ref"], "weight": c["weight"], **cell})
        weighted = (sum(x["weight"] * (x["score"] or 0) for x in cells) / total_weight) if total_weight else 0.0
        appraisal = costs.get(p["id"], {})
        rows.append({"project_id": p["id"], "code": p["code"], "name": p["name"], "stage": p["stage"],
                     "programme_id": p["programme_id"], "overall": p["overall"], "scores": cells,
                     "start_date": p["start_date"], "end_date": p["end_date"],
                     "scored": sum(x["score"] is not None for x in cells), "weighted": round(weighted, 4),
                     "cost": appraisal.get("cost"), "must_do": bool(appraisal.get("must_do")),
                     "demands": appraisal.get("demands", [])})
    rows.sort(key=lambda r: (-r["weighted"], r["code"]))
    for n, r in enumerate(rows, 1):
        r["rank"] = n
    return rows


def get_envelope(pmo: PMO, at: int | None = None) -> Row | None:
    rows = read_rows(pmo, sa.select(envelope).where(visible(envelope, at), envelope.c.id == ENVELOPE_ID))
    if not rows or rows[0]["budget"] is None:
        return None
    row = rows[0]
    row["capacities"] = json.loads(row["capacities"] or "[]")
    return row


def choose(pmo: PMO, at: int | None = None, budget: float | None = None) -> Row:
    """The best set of costed candidates within the envelope (``budget`` overrides its budget):
    what is in, what is out and why, and which limits bind. Projects with no cost estimate are
    listed apart: they cannot be weighed against a budget. Capacities come from the resources
    plugin when it is enabled, else from the envelope (``capacity_source`` says which)."""
    ranked = ranking(pmo, at)
    env = get_envelope(pmo, at)
    return select(ranked, env, budget, capacity.available(pmo, at, ranked, env))


def select(ranked: list[Row], env: Row | None, budget: float | None, capacities: Row) -> Row:
    """``choose`` over given rows, envelope and capacities (a scenario passes its own)."""
    budget = budget if budget is not None else (env["budget"] if env else None)
    costed = [r for r in ranked if r["cost"] is not None]
    running = capacities.get("running", set())
    candidates = [selection.Candidate(r["project_id"], r["weighted"], r["cost"], r["must_do"],
                                      {} if r["project_id"] in running else
                                      {(d["role"], d["period"]): d["amount"] for d in r["demands"]}) for r in costed]
    result = selection.choose(candidates, budget, capacities["capacities"])
    by_id = {r["project_id"]: r for r in costed}
    limits = [{"name": lim.name, "limit": lim.limit, "used": lim.used, "slack": lim.slack, "forced": lim.forced,
               "binding": lim.binding, "blocks": [by_id[k]["code"] for k in lim.blocks]} for lim in result.limits]
    out = []
    for key in result.left_out:
        row = dict(by_id[key])
        row["blocked_by"] = [lim["name"] for lim in limits if row["code"] in lim["blocks"]]
        out.append(row)
    return {"feasible": result.feasible, "budget": budget, "value": round(result.value, 4),
            "cost": sum(by_id[k]["cost"] for k in result.chosen), "envelope": env,
            "capacity_source": capacities["source"], "unknown_roles": capacities.get("unknown_roles", []),
            "chosen": [by_id[k] for k in result.chosen], "left_out": out, "limits": limits,
            "binding": [lim["name"] for lim in limits if lim["binding"]],
            "exceeded_by_must_dos": [lim.name for lim in result.exceeded_by_must_dos],
            "not_costed": [r for r in ranked if r["cost"] is None]}
