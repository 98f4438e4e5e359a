"""Print-ready pages and their PDFs, for steering committee packs.

    /reports/<id>/print         a status report on A4: RAG, summary, progress, milestones,
                                what plugins add (``report_sections``: the risk plugin's top
                                risks), the decisions of the report's period, open actions
    /reports/<id>.pdf           the same page as a PDF (headless Chromium, see ``web.pdf``)
    /portfolio/summary/print    the portfolio on A4: RAG tiles per project, the dashboard's
                                charts, the exceptions (red and amber projects)
    /portfolio/summary.pdf      the same as a PDF

Every one honours ``?as_of=``. The pages stand alone (``templates/print/``, ``static/print.css``)
rather than extending the app's layout: what is printed has no navigation, and their HTML
holds nothing that depends on who asks, so one rendering of a PDF serves everyone. The
``pmo report`` commands (``web/cli.py``) render the same pages through ``report_html`` and
``portfolio_html``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, send_file
from markupsafe import Markup
from werkzeug.utils import secure_filename

from core import queries
from core.domain.project import STAGES
from core.permissions import can_read
from core.plugins import flatten
from web import charts, pdf
from web.auth import require
from web.views.asof import at, current, today
from web.views.common import found, lookup, pmo, project_for
from web.views.pages import RAG_ORDER, RAG_TILES

bp = Blueprint("printable", __name__)

RATINGS = ("overall", "schedule", "cost", "scope")


# --- what the pages show --------------------------------------------------------------------

def _moment() -> dict[str, Any]:
    """What every printed page says about its moment: the as-of label (or today) and the ledger
    position it reflects, so a reader of the paper copy can ask for exactly the same view."""
    unit, when, state = pmo(), at(), current()
    return {"day": today(), "position": when if when is not None else unit.ledger.max_position(),
            "label": state.label if state is not None else None}


def _milestone_state(m: dict, day: date) -> str:
    if m["actual_date"]:
        return "Achieved" if m["slippage_days"] <= 0 else "Achieved late"
    if m["forecast_date"] < day:
        return "Overdue"
    return "Slipping" if m["slippage_days"] > 0 else "On track"


def report_context(report_id: Any) -> dict[str, Any]:
    """A status report with its project, milestones, plugin sections, the decisions of its
    period and the project's open actions, all as of the page's moment."""
    unit, when, day = pmo(), at(), today()
    report = lookup(queries.get_status_report, report_id, "status report")
    project = found(project_for(report), "project")
    milestones = queries.list_milestones(unit, project["id"], at=when)
    for m in milestones:
        m["state"] = _milestone_state(m, day)
    decisions = [d for d in queries.list_decisions(unit, project["id"], at=when)
                 if d["decided_on"] and report["period_start"] <= d["decided_on"] <= report["period_end"]]
    programme = queries.get_programme(unit, project["programme_id"], at=when) if project["programme_id"] else None
    return {
        "report": report, "project": project, "programme": programme, "milestones": milestones,
        "timeline": charts.milestone_timeline(
            "print-milestones", f"Milestones of {project['code']}", milestones, day,
            "today" if when is None else "then") if milestones else None,
        "sections": flatten(unit.hook("report_sections")(pmo=unit, project=project, report=report, as_of=when)),
        "decisions": sorted(decisions, key=lambda d: d["decided_on"]),
        "actions": queries.list_actions(unit, project["id"], status="open", at=when, today=day),
        "moment": _moment(), "ratings": RATINGS,
        "filename": f"status-report-{project['code']}-{report['period_end']}.pdf",
    }


def portfolio_context() -> dict[str, Any]:
    """The portfolio at a glance for paper: a tile per active project (its latest published
    ratings), the dashboard's two charts, and the red and amber projects in detail."""
    unit, when, day = pmo(), at(), today()
    data = queries.dashboard(unit, at=when, today=day)
    latest: dict[Any, dict] = {}
    for r in queries.list_status_reports(unit, at=when, published=True):  # newest period first
        latest.setdefault(r["project_id"], r)
    active = sorted(data["active"], key=lambda p: (RAG_ORDER[p["overall"] or "none"], p["code"]))
    counts = {key: data["rag"].get(key, 0) for key, _ in RAG_TILES}
    slipping: dict[Any, list] = defaultdict(list)
    for m in data["slipping_milestones"]:
        slipping[m["project_id"]].append(m)
    overdue: dict[Any, int] = defaultdict(int)
    for a in data["overdue_actions"]:
        overdue[a["project_id"]] += 1
    portfolio = queries.portfolio(unit, at=when)
    return {
        "portfolio": portfolio, "data": data, "moment": _moment(), "ratings": RATINGS,
        "tiles": [(key, label, counts[key]) for key, label in RAG_TILES],
        "projects": [{"project": p, "report": latest.get(p["id"])} for p in active],
        "exceptions": [{"project": p, "report": latest.get(p["id"]), "overdue_actions": overdue[p["id"]],
                        "slipping": sorted(slipping[p["id"]], key=lambda m: -m["slippage_days"])}
                       for p in active if p["overall"] in ("red", "amber")],
        "stage_chart": charts.bar_chart(
            "print-stage-chart", "Projects by lifecycle stage",
            [(s.replace("_", " ").capitalize(), data["by_stage"].get(s, 0)) for s in STAGES],
            classes=[f"bar stage-{s}" for s in STAGES]),
        "rag_chart": charts.donut(
            "print-rag-chart", "Active projects by overall RAG",
            [(label, counts[key], f"rag-{key}") for key, label in RAG_TILES], centre="active"),
        "filename": f"portfolio-summary-{day}.pdf",
    }


# --- HTML and PDF ---------------------------------------------------------------------------

def _css() -> Markup:
    """print.css, inlined into the HTML Chromium renders (the page may load nothing)."""
    return Markup(Path(current_app.static_folder, "print.css").read_text(encoding="utf-8"))


def _render(template: str, context: dict[str, Any], for_pdf: bool) -> str:
    extra = {"inline_css": _css(), "page_policy": pdf.PAGE_POLICY} if for_pdf else {}
    return render_template(template, for_pdf=for_pdf, **context, **extra)


def report_html(report_id: Any, for_pdf: bool = False) -> tuple[str, str]:
    """The printed status report and the PDF's file name."""
    context = report_context(report_id)
    return _render("print/report.html", context, for_pdf), context["filename"]


def portfolio_html(for_pdf: bool = False) -> tuple[str, str]:
    """The printed portfolio summary and the PDF's file name."""
    context = portfolio_context()
    return _render("print/portfolio.html", context, for_pdf), context["filename"]


def _no_bad_as_of() -> None:
    """A PDF of "now" labelled as some other moment would mislead: a bad ``as_of`` is a 422."""
    error = g.get("page_as_of_error")
    if error:
        abort(422, f"as_of {error['raw']!r}: {error['message']}")


def _pdf(html: str, filename: str):
    try:
        document = pdf.render(html, current_app.config.get("PMO_CHROMIUM"))
    except pdf.PdfUnavailable as error:
        abort(503, str(error))
    return send_file(BytesIO(document), mimetype="application/pdf", as_attachment=True,
                     download_name=secure_filename(filename) or "pmo.pdf", max_age=0)


# --- routes ---------------------------------------------------------------------------------

@bp.route("/reports/<uuid:report_id>/print")
@require(can_read)
def report(report_id):
    """A status report, ready to print (A4)."""
    return report_html(report_id)[0]


@bp.route("/reports/<uuid:report_id>.pdf")
@require(can_read)
def report_pdf(report_id):
    """A status report as a PDF."""
    _no_bad_as_of()
    return _pdf(*report_html(report_id, for_pdf=True))


@bp.route("/portfolio/summary/print")
@require(can_read)
def portfolio():
    """The portfolio summary, ready to print (A4)."""
    return portfolio_html()[0]


@bp.route("/portfolio/summary.pdf")
@require(can_read)
def portfolio_pdf():
    """The portfolio summary as a PDF."""
    _no_bad_as_of()
    return _pdf(*portfolio_html(for_pdf=True))
