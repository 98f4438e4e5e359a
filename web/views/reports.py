"""Status reports (draft, revise, publish, or submit in one go) and milestones (plan,
reforecast, achieve): how a project is doing against its plan."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, render_template, request, url_for

from core import queries
from core.permissions import can_edit_project, can_read
from core.plugins import flatten
from core.services import reporting
from web.auth import require, user
from web.views.asof import at
from web.views.common import allow, bind, form_page, found, history, lookup, pmo, project_for
from web.views.forms import AchieveForm, MilestoneForm, ReforecastForm, StatusReportForm, Versioned


bp = Blueprint("reports", __name__)

DRAFT_OR_PUBLISH = [("draft", "Save as draft", False), ("publish", "Submit and publish", True)]
RATINGS = ("overall", "schedule", "cost", "scope", "progress_pct")


def _editable_project(code: str) -> dict:
    project = found(queries.get_project(pmo(), code), "project")
    allow(can_edit_project(user(), project))
    return project


def _report(report_id) -> tuple[dict, dict]:
    """The report and its project, as of the page's moment (forms: now)."""
    report = lookup(queries.get_status_report, report_id, "status report")
    return report, found(project_for(report), "project")


def _next_period(project_id) -> dict:
    """A new report starts where the last one ended, with its ratings as the starting point."""
    previous = queries.list_status_reports(pmo(), project_id)
    today = date.today()
    if not previous:
        return {"period_start": today - timedelta(days=13), "period_end": today, "progress_pct": 0}
    last = previous[0]
    start = last["period_end"] + timedelta(days=1)
    return {"period_start": start, "period_end": max(today, start + timedelta(days=13)),
            **{k: last[k] for k in RATINGS}}


@bp.route("/projects/<code>/reports/new", methods=["GET", "POST"])
@require(can_read)
def new(code: str):
    """Draft a status report, or submit it (draft and publish in one step)."""
    project = _editable_project(code)
    form = bind(StatusReportForm, _next_period(project["id"]))
    publish = request.form.get("submit_as") == "publish"
    service = reporting.submit_status_report if publish else reporting.draft_status_report
    return form_page(
        form, "form.html", lambda unit: service(unit, project["id"], **form.values()),
        success=lambda r: url_for(".show", report_id=r.id),
        message="Status report published." if publish else "Status report saved as a draft.",
        title=f"Status report for {project['code']} · {project['name']}", buttons=DRAFT_OR_PUBLISH,
        cancel=url_for("pages.projects.show", code=project["code"]),
        hints=flatten(pmo().hook("status_report_hints")(pmo=pmo(), project=project, as_of=None)),
    )


@bp.route("/reports/<uuid:report_id>")
@require(can_read)
def show(report_id):
    report, project = _report(report_id)
    siblings = queries.list_status_reports(pmo(), project["id"], at=at())
    index = next(i for i, r in enumerate(siblings) if r["id"] == report["id"])
    return render_template(
        "reports/show.html", report=report, project=project,
        newer=siblings[index - 1] if index > 0 else None,
        older=siblings[index + 1] if index + 1 < len(siblings) else None,
        publish_form=Versioned(data={"version": report["version"]}), history=history(report["id"]),
    )


@bp.route("/reports/<uuid:report_id>/edit", methods=["GET", "POST"])
@require(can_read)
def edit(report_id):
    report, project = _report(report_id)
    allow(can_edit_project(user(), project))
    form = bind(StatusReportForm, report)
    return form_page(
        form, "form.html",
        lambda unit: reporting.revise_status_report(unit, report["id"], form.expected_version(), **form.values()),
        success=url_for(".show", report_id=report["id"]), message="Draft status report revised.",
        current=lambda: queries.get_status_report(pmo(), report["id"]),
        title=f"Revise the draft report for {project['code']}", submit="Save draft",
        cancel=url_for(".show", report_id=report["id"]),
    )


@bp.route("/reports/<uuid:report_id>/publish", methods=["GET", "POST"])
@require(can_read)
def publish(report_id):
    report, project = _report(report_id)
    allow(can_edit_project(user(), project))
    form = bind(Versioned, {"version": report["version"]})
    return form_page(
        form, "form.html",
        lambda unit: reporting.publish_status_report(unit, report["id"], form.expected_version()),
        success=url_for(".show", report_id=report["id"]), message="Status report published.",
        title=f"Publish the report for {project['code']}, {report['period_start']} to {report['period_end']}",
        lead="Once published, the report is part of the record and cannot be changed.",
        submit="Publish", cancel=url_for(".show", report_id=report["id"]),
    )


# --- milestones ----------------------------------------------------------------------------

def _milestone(milestone_id) -> tuple[dict, dict]:
    milestone = found(queries.get_milestone(pmo(), milestone_id), "milestone")
    project = found(project_for(milestone), "project")
    allow(can_edit_project(user(), project))
    return milestone, project


def _back(project: dict) -> str:
    return url_for("pages.projects.show", code=project["code"], _anchor="milestones")


@bp.route("/projects/<code>/milestones/new", methods=["GET", "POST"])
@require(can_read)
def plan_milestone(code: str):
    project = _editable_project(code)
    form = bind(MilestoneForm)
    return form_page(
        form, "form.html", lambda unit: reporting.plan_milestone(unit, project["id"], **form.values()),
        success=_back(project), message=lambda m: f"Milestone {m.name} planned.",
        title=f"Plan a milestone for {project['code']}", submit="Plan milestone", cancel=_back(project),
    )


@bp.route("/milestones/<uuid:milestone_id>/reforecast", methods=["GET", "POST"])
@require(can_read)
def reforecast(milestone_id):
    milestone, project = _milestone(milestone_id)
    form = bind(ReforecastForm, milestone)
    return form_page(
        form, "form.html",
        lambda unit: reporting.reforecast_milestone(unit, milestone["id"], form.forecast_date.data,
                                                    form.expected_version()),
        success=_back(project), message=lambda m: f"{m.name} now forecast for {m.forecast_date}.",
        current=lambda: queries.get_milestone(pmo(), milestone["id"]),
        title=f"Reforecast {milestone['name']} ({project['code']})",
        lead=f"Baseline {milestone['baseline_date']}, forecast {milestone['forecast_date']}.",
        submit="Save forecast", cancel=_back(project),
    )


@bp.route("/milestones/<uuid:milestone_id>/achieve", methods=["GET", "POST"])
@require(can_read)
def achieve(milestone_id):
    milestone, project = _milestone(milestone_id)
    form = bind(AchieveForm, {"version": milestone["version"]}, actual_date=date.today())
    return form_page(
        form, "form.html",
        lambda unit: reporting.achieve_milestone(unit, milestone["id"], form.actual_date.data,
                                                 form.expected_version()),
        success=_back(project), message=lambda m: f"{m.name} achieved on {m.actual_date}.",
        title=f"Mark {milestone['name']} ({project['code']}) as achieved",
        lead=f"Baseline {milestone['baseline_date']}, forecast {milestone['forecast_date']}.",
        submit="Mark achieved", cancel=_back(project),
    )
