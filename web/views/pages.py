"""The portfolio dashboard at "/" and the template helpers every page uses."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template

from core import permissions, queries
from core.domain.project import STAGES
from core.plugins import flatten
from web import charts
from web.auth import require, user
from web.views import asof
from web.views.asof import at
from web.views.common import pmo

bp = Blueprint("pages", __name__)

RAG_TILES = (("green", "Green"), ("amber", "Amber"), ("red", "Red"), ("none", "No report"))
RAG_ORDER = {"red": 0, "amber": 1, "none": 2, "green": 3}
# A PMO chases a report from every active project at least monthly.
REPORT_DUE_DAYS = 31


@bp.app_context_processor
def _helpers() -> dict:
    """Permission questions templates ask to show or hide edit buttons (the server re-checks).

    Nothing can be changed on an as-of page, so there every edit question is answered no.
    """
    now = asof.current() is None
    return {
        "can_edit_project": lambda project=None: now and permissions.can_edit_project(user(), project),
        "can_edit_portfolio": lambda: now and permissions.can_edit_portfolio(user()),
        "can_administer": lambda: now and permissions.can_administer(user()),
        "can_audit": lambda: permissions.can_audit(user()),
        "today": asof.today(),
    }


@bp.app_template_filter("when")
def _when(value: datetime | None) -> str:
    """A ledger timestamp, to the minute, in UTC (dates print as ISO by themselves)."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


@bp.app_template_filter("event_name")
def _event_name(topic: str | None) -> str:
    """'core.StatusReport.Revised' -> 'StatusReport Revised'."""
    return " ".join((topic or "").split(".")[1:]) or (topic or "")


@bp.app_template_filter("stage_label")
def _stage_label(stage: str | None) -> str:
    return (stage or "").replace("_", " ").capitalize()


@bp.route("/")
@require(permissions.can_read)
def dashboard():
    unit, when = pmo(), at()
    today = asof.today()
    data = queries.dashboard(unit, at=when, today=today)
    counts = {key: data["rag"].get(key, 0) for key, _ in RAG_TILES}
    active = sorted(data["active"], key=lambda p: (RAG_ORDER[p["overall"] or "none"], p["code"]))
    by_id = {p["id"]: p for p in queries.list_projects(unit, at=when)}
    stage_chart = charts.bar_chart(
        "stage-chart", "Projects by lifecycle stage",
        [(_stage_label(s), data["by_stage"].get(s, 0)) for s in STAGES],
        classes=[f"bar stage-{s}" for s in STAGES])
    rag_chart = charts.donut(
        "rag-chart", "Active projects by overall RAG",
        [(label, counts[key], f"rag-{key}") for key, label in RAG_TILES], centre="active")
    reports_due = [p for p in active
                   if p["last_report"] is None or (today - p["last_report"]).days > REPORT_DUE_DAYS]
    return render_template(
        "pages/dashboard.html", data=data, tiles=[(k, label, counts[k]) for k, label in RAG_TILES],
        active=active, by_id=by_id, stage_chart=stage_chart, rag_chart=rag_chart,
        reports_due=reports_due, report_due_days=REPORT_DUE_DAYS, portfolio=queries.portfolio(unit, at=when),
        widgets=flatten(unit.hook("dashboard_widgets")(pmo=unit, as_of=when)),
    )
