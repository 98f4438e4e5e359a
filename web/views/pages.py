"""The portfolio dashboard at "/" and the template helpers every page uses."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, render_template, request

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
RAG_ORDER = {"red": 0, "amber": 1, "none": 2, "green": 3}  # the print pack sorts by it too
REPORT_DUE_DAYS = queries.REPORT_DUE_DAYS


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


@bp.app_template_global("page_url")
def _page_url(number: int) -> str:
    """This page's URL at page ``number`` of its list: filters, sort and ``as_of`` kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    if number > 1:
        args.append(("page", str(number)))
    return f"{request.path}?{urlencode(args)}" if args else request.path


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
    # Counted and capped by the database: the page stays the same size for ten projects or
    # ten thousand (the lists link to the full, paged lists).
    data = queries.dashboard_summary(unit, at=when, today=today)
    counts = {key: data["rag"].get(key, 0) for key, _ in RAG_TILES}
    stage_chart = charts.bar_chart(
        "stage-chart", "Projects by lifecycle stage",
        [(_stage_label(s), data["by_stage"].get(s, 0)) for s in STAGES],
        classes=[f"bar stage-{s}" for s in STAGES])
    rag_chart = charts.donut(
        "rag-chart", "Active projects by overall RAG",
        [(label, counts[key], f"rag-{key}") for key, label in RAG_TILES], centre="active")
    return render_template(
        "pages/dashboard.html", data=data, tiles=[(k, label, counts[k]) for k, label in RAG_TILES],
        active=data["active"], by_id=data["projects_by_id"], counts=data["counts"], stage_chart=stage_chart,
        rag_chart=rag_chart, reports_due=data["reports_due"], report_due_days=REPORT_DUE_DAYS,
        portfolio=queries.portfolio(unit, at=when),
        widgets=flatten(unit.hook("dashboard_widgets")(pmo=unit, as_of=when)),
    )
