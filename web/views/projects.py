"""Projects: the filtered list, the project page, and the forms to register, edit and pass
a lifecycle gate."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from core import projections as core_projections
from core import queries
from core.queries import page_number
from core.domain.project import NEXT_STAGE, STAGES
from core.domain.rag import RAG
from core.permissions import can_edit_project, can_read
from core.plugins import flatten
from core.services import projects as services
from web import charts, exports
from web.auth import require, user
from web.views.asof import at, today
from web.views.common import allow, bind, form_page, found, history, lookup, people, pmo, programme_choices
from web.views.forms import ProjectForm, SelectChoice, StageForm

bp = Blueprint("projects", __name__, url_prefix="/projects")


def _project(code: str) -> dict:
    """The project now: what the forms change."""
    return found(queries.get_project(pmo(), code), "project")


@bp.route("")
@require(can_read)
def index():
    """Every project, filtered by a plain GET form."""
    unit, when = pmo(), at()
    args = {k: (request.args.get(k) or "").strip() for k in ("stage", "programme", "manager", "rag", "q")}
    rag = args["rag"] if args["rag"] in (*RAG, "none") else None
    filters = dict(stage=args["stage"] or None, programme_id=args["programme"] or None,
                   manager=args["manager"] or None, rag=rag, q=args["q"] or None)
    programmes = queries.list_programmes(unit, at=when)
    if fmt := exports.export_format():  # every row of the filters as a file: ?format=csv|xlsx
        rows = queries.list_projects(unit, at=when, **filters)
        return exports.download(exports.projects(rows, {p["id"]: p for p in programmes}), fmt, "projects")
    # Fifty at a time: the list stays the same size however large the portfolio grows.
    found = queries.projects_page(unit, at=when, page=page_number(request.args.get("page")), **filters)
    return render_template(
        "projects/list.html", rows=found.rows, page=found, args=args, stages=STAGES, programmes=programmes,
        programme_by_id={p["id"]: p for p in programmes}, managers=queries.project_managers(unit, at=when),
        filtered=any(args.values()), total=queries.count_projects(unit, at=when),
    )


@bp.route("/<code>")
@require(can_read)
def show(code: str):
    """The project as of the page's moment (a project closed since shows as it was then)."""
    unit, when = pmo(), at()
    row = lookup(queries.get_project, code, "project")
    reports = queries.list_status_reports(unit, row["id"], at=when)
    published = [r for r in reports if r["published"]]
    milestones = queries.list_milestones(unit, row["id"], at=when)
    trend = charts.rag_trend("rag-trend", f"Overall RAG of {row['code']} per period",
                             [(r["period_end"], r["overall"]) for r in reversed(published)])
    timeline = charts.milestone_timeline("milestone-timeline", f"Milestones of {row['code']}", milestones,
                                         today(), "today" if when is None else "then") if milestones else None
    return render_template(
        "projects/show.html", project=row, reports=reports, latest=published[0] if published else None,
        trend=trend if published else None, milestones=milestones, timeline=timeline,
        stages=queries.stage_history(unit, row["id"], at=when),
        decisions=queries.list_decisions(unit, row["id"], at=when),
        actions=queries.list_actions(unit, row["id"], at=when, today=today()),
        programme=queries.get_programme(unit, row["programme_id"], at=when) if row["programme_id"] else None,
        can_move=row["stage"] in NEXT_STAGE, history=history(row["id"], core_projections.projects),
        milestone_history=[(m, history(m["id"], core_projections.milestones)) for m in milestones],
        panels=flatten(unit.hook("project_panels")(pmo=unit, project=row, as_of=when)),
    )


@bp.route("/new", methods=["GET", "POST"])
@require(lambda u: can_edit_project(u, None))
def new():
    """Register a project; a project manager registering one is its manager by default."""
    form = bind(ProjectForm, manager=user().username if user().role == "manager" else "")
    form.programme_id.choices = programme_choices()
    return form_page(
        form, "form.html", lambda unit: services.register_project(unit, **form.values()),
        success=lambda p: url_for(".show", code=p.code), message=lambda p: f"Project {p.code} registered.",
        conflict_field="code", title="Register a project", submit="Register project",
        cancel=url_for(".index"), people=people(),
    )


@bp.route("/<code>/edit", methods=["GET", "POST"])
@require(can_read)
def edit(code: str):
    row = _project(code)
    allow(can_edit_project(user(), row))
    form = bind(ProjectForm, row)
    del form.code
    form.programme_id.choices = programme_choices()
    return form_page(
        form, "form.html",
        lambda unit: services.update_project(unit, row["id"], form.expected_version(), **form.values()),
        success=url_for(".show", code=row["code"]), message=f"Project {row['code']} updated.",
        current=lambda: queries.get_project(pmo(), row["id"]),
        title=f"Edit {row['code']} · {row['name']}", submit="Save changes",
        cancel=url_for(".show", code=row["code"]), people=people(),
    )


@bp.route("/<code>/stage", methods=["GET", "POST"])
@require(can_read)
def stage(code: str):
    """Pass a gate: move to the next stage (or cancel), with the gate decision."""
    row = _project(code)
    allow(can_edit_project(user(), row))
    form = bind(StageForm, {"version": row["version"]}, stage=NEXT_STAGE.get(row["stage"], ""))
    # An open project may go one stage on or be cancelled; a closed one is offered every stage
    # so that the domain itself explains why it is final.
    options = [NEXT_STAGE[row["stage"]], "cancelled"] if row["stage"] in NEXT_STAGE else list(STAGES)
    form.stage.choices = [SelectChoice(s, s.capitalize()) for s in options]
    return form_page(
        form, "form.html",
        lambda unit: services.move_project_to_stage(unit, row["id"], form.stage.data, form.gate_decision.data,
                                                    form.expected_version()),
        success=url_for(".show", code=row["code"]),
        message=lambda p: f"Project {p.code} is now {p.stage}.",
        title=f"Stage gate for {row['code']}", lead=f"{row['name']} is now in stage {row['stage']}.",
        submit="Record gate decision", cancel=url_for(".show", code=row["code"]),
    )
