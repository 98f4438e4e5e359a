"""The portfolio's status by programme, as of any moment: computed from the core's events
(projects, published status reports, milestones) and this plugin's cost estimates, so it reads
the same for every moment of the ledger, also before the plugin was enabled.

Per programme, over its open projects (not closed or cancelled):
RAG        the overall rating of each project's latest published status report (``none``:
           no report published yet)
slipping   open milestones forecast after their baseline, or overdue (forecast before today
           and not achieved); today is the as-of day
budget     the portfolio's cost estimates summed (projects not estimated are counted apart)
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from core import queries as core_queries
from core.pmo import PMO
from plugins.portfolio import queries

Row = dict[str, Any]
RAGS = ("red", "amber", "green", "none")


def _blank(code: str, name: str) -> Row:
    return {"code": code, "name": name, "projects": 0, "rag": {k: 0 for k in RAGS}, "milestones": 0,
            "slipping": 0, "overdue": 0, "budget": 0.0, "estimated": 0}


def rollup(pmo: PMO, at: int | None = None, today: date | None = None) -> Row:
    """``{"programmes": [...], "total": {...}, "today": day}``, programmes by code, "No programme" last."""
    today = today or date.today()
    programmes = {p["id"]: p for p in core_queries.list_programmes(pmo, at)}
    costs = queries._appraisal_rows(pmo, at)
    marks: dict[Any, list[Row]] = defaultdict(list)
    for m in core_queries.list_milestones(pmo, at=at):
        marks[m["project_id"]].append(m)
    groups: dict[str, Row] = {}
    total = _blank("", "All programmes")
    for p in core_queries.list_projects(pmo, at=at):
        if p["stage"] in queries.ENDED:
            continue
        programme = programmes.get(p["programme_id"])
        code = programme["code"] if programme else ""
        group = groups.setdefault(code, _blank(code, programme["name"] if programme else "No programme"))
        cost = (costs.get(p["id"]) or {}).get("cost")
        open_marks = [m for m in marks[p["id"]] if m["actual_date"] is None]
        overdue = sum(m["forecast_date"] < today for m in open_marks)
        slipping = sum(m["forecast_date"] > m["baseline_date"] or m["forecast_date"] < today for m in open_marks)
        for row in (group, total):
            row["projects"] += 1
            row["rag"][p["overall"] if p["overall"] in RAGS else "none"] += 1
            row["milestones"] += len(marks[p["id"]])
            row["slipping"] += slipping
            row["overdue"] += overdue
            if cost is not None:
                row["budget"] += cost
                row["estimated"] += 1
    ordered = sorted(groups.values(), key=lambda g: (g["code"] == "", g["code"]))
    return {"programmes": ordered, "total": total, "today": today}
