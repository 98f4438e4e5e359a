"""The portfolio roadmap and the value/risk bubbles, as of any moment (the core's temporal
rows and this plugin's: ``at`` None is now).

A project's bar runs from its start date to its end date. Missing dates are read from its
milestones (the earliest one starts it, the latest ends it), and when a milestone is forecast
after the end date the bar runs on to that forecast (``forecast_end``): the roadmap shows the
slip, not the plan alone. A project with neither dates nor milestones is listed as undated.

Risk on the bubble chart, on a 0-5 scale (5: most risky): with the risk plugin enabled, the
highest open risk of the project (residual score, else inherent) over the scale's top score;
otherwise 5 minus the project's score on the portfolio's risk criterion (ref ``RISK``; 5 there
is the least risky). A project with neither is listed, not placed.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa

from core import queries as core_queries
from core.pmo import PMO
from events.temporal import visible
from plugins.portfolio import queries
from plugins.portfolio.projections import risk_scale, risks

Row = dict[str, Any]
STAGE_ORDER = ("idea", "proposed", "approved", "active", "closed", "cancelled")
NO_PROGRAMME = "No programme"
DEFAULT_MAX_SCORE = 25  # the risk plugin's default 5 x 5 scale


def _span(project: Row, marks: list[Row]) -> tuple[date | None, date | None, date | None]:
    dates = [m["actual_date"] or m["forecast_date"] for m in marks]
    start = project["start_date"] or (min(dates + [m["baseline_date"] for m in marks]) if marks else None)
    end = project["end_date"] or (max(dates) if dates else None)
    latest = max(dates) if dates else None
    forecast_end = latest if latest and end and latest > end else None
    return start, end, forecast_end


def roadmap(pmo: PMO, at: int | None = None) -> Row:
    """Programmes, each with its projects' bars and milestones; the date range; the undated."""
    programmes = {p["id"]: p for p in core_queries.list_programmes(pmo, at)}
    marks: dict[Any, list[Row]] = defaultdict(list)
    for m in core_queries.list_milestones(pmo, at=at):
        marks[m["project_id"]].append(m)
    groups: dict[Any, Row] = {}
    undated, first, last = [], None, None
    for p in core_queries.list_projects(pmo, at=at):
        start, end, forecast_end = _span(p, marks[p["id"]])
        if start is None or end is None:
            undated.append({"code": p["code"], "name": p["name"], "stage": p["stage"]})
            continue
        end = max(end, start)
        programme = programmes.get(p["programme_id"])
        key = programme["code"] if programme else ""
        group = groups.setdefault(key, {"code": key, "name": programme["name"] if programme else NO_PROGRAMME,
                                        "projects": []})
        group["projects"].append({
            "code": p["code"], "name": p["name"], "stage": p["stage"], "start": start, "end": end,
            "forecast_end": forecast_end, "overall": p["overall"],
            "milestones": [{"name": m["name"], "date": m["actual_date"] or m["forecast_date"],
                            "baseline": m["baseline_date"], "achieved": m["actual_date"] is not None,
                            "slipping": m["actual_date"] is None and m["forecast_date"] > m["baseline_date"]}
                           for m in marks[p["id"]]]})
        ends = [end, forecast_end or end] + [m["actual_date"] or m["forecast_date"] for m in marks[p["id"]]]
        first = start if first is None else min(first, start)
        last = max(ends) if last is None else max(last, *ends)
    ordered = sorted(groups.values(), key=lambda g: (g["code"] == "", g["code"]))
    for g in ordered:
        g["projects"].sort(key=lambda r: (r["start"], r["code"]))
    return {"programmes": ordered, "first": first, "last": last, "undated": undated}


def _criterion_risk(rows: list[Row]) -> dict[Any, float]:
    found = {}
    for r in rows:
        cell = next((c for c in r["scores"] if c["ref"].lower() == "risk" and c["score"] is not None), None)
        if cell is not None:
            found[r["project_id"]] = 5.0 - cell["score"]
    return found


def _plugin_risk(pmo: PMO, at: int | None) -> dict[Any, float]:
    with pmo.read() as conn:
        top = conn.execute(sa.select(risk_scale.c.max_score).where(visible(risk_scale, at))).scalar() or DEFAULT_MAX_SCORE
        rows = conn.execute(sa.select(risks.c.project_id, sa.func.max(risks.c.score))
                            .where(visible(risks, at), risks.c.open.is_(True), risks.c.score.is_not(None),
                                   risks.c.project_id.is_not(None)).group_by(risks.c.project_id)).all()
    return {pid: round(5.0 * score / top, 2) for pid, score in rows}


def bubbles(pmo: PMO, at: int | None = None) -> Row:
    """One point per open project: weighted score, risk (0-5), cost; and where risk came from."""
    rows = queries.ranking(pmo, at)
    if "risk" in pmo.enabled_plugins():
        source, risk = "the risk plugin's highest open risk", _plugin_risk(pmo, at)
    else:
        source, risk = "the portfolio's RISK criterion (5 minus its score)", _criterion_risk(rows)
    points, unplaced = [], []
    for r in rows:
        if r["project_id"] in risk:
            points.append({"code": r["code"], "name": r["name"], "stage": r["stage"], "value": r["weighted"],
                           "risk": risk[r["project_id"]], "cost": r["cost"]})
        else:
            unplaced.append(r["code"])
    return {"source": source, "points": points, "unplaced": unplaced}
