"""The decision log: what was decided, why, by whom and when; later decisions supersede."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for

from core import queries
from core.permissions import can_read
from core.services import logs
from web import exports
from web.auth import require
from web.views.asof import at
from web.views.common import (
    allow, bind, form_page, found, history, lookup, may_edit, people, pmo, project_for, projects_by_id,
    with_project_picker,
)
from web.views.forms import DecisionForm, SelectChoice, SupersedeForm

bp = Blueprint("decisions", __name__, url_prefix="/decisions")


@bp.route("")
@require(can_read)
def index():
    """The log, newest first, for one project or all; superseded decisions stay visible."""
    unit, when = pmo(), at()
    code = request.args.get("project", "").strip()
    project = queries.get_project(unit, code, at=when) if code else None
    unknown = bool(code) and project is None  # an unknown project has no decisions
    project_id = project["id"] if project else None
    if fmt := exports.export_format():  # every row of the filter as a file: ?format=csv|xlsx
        rows = [] if unknown else queries.list_decisions(unit, project_id, at=when)
        titles = {r["id"]: r["title"] for r in rows}
        return exports.download(exports.decisions(rows, projects_by_id(), titles), fmt, "decisions")
    # Fifty at a time, newest first: the log stays the same size however long it grows.
    found = (queries.Page([], 0, 1) if unknown else
             queries.decisions_page(unit, project_id, at=when, page=queries.page_number(request.args.get("page"))))
    return render_template(
        "decisions/list.html", rows=found.rows, page=found, project=project, code=code,
        projects=queries.projects_by_ids(unit, [d["project_id"] for d in found.rows], at=when),
        titles=queries.decision_titles(unit, [d["superseded_by"] for d in found.rows], at=when))


@bp.route("/<uuid:decision_id>")
@require(can_read)
def show(decision_id):
    unit, when = pmo(), at()
    row = lookup(queries.get_decision, decision_id, "decision")
    successor = queries.get_decision(unit, row["superseded_by"], at=when) if row["superseded_by"] else None
    replaces = [d for d in queries.list_decisions(unit, at=when) if d["superseded_by"] == row["id"]]
    return render_template("decisions/show.html", decision=row, project=project_for(row),
                           successor=successor, replaces=replaces, history=history(row["id"]))


@bp.route("/new", methods=["GET", "POST"])
@require(can_read)
def new():
    """Record a decision, for a project (``?project=CODE`` preselects it) or portfolio-wide."""
    form, back = with_project_picker(DecisionForm, decided_on=date.today())
    return form_page(
        form, "form.html", lambda unit: logs.record_decision(unit, **form.values()),
        success=lambda d: url_for(".show", decision_id=d.id), message=lambda d: f"Decision recorded: {d.title}.",
        title="Record a decision", submit="Record decision", cancel=back or url_for(".index"), people=people(),
    )


@bp.route("/<uuid:decision_id>/supersede", methods=["GET", "POST"])
@require(can_read)
def supersede(decision_id):
    """Mark a decision as replaced by a later one (record the new decision first)."""
    unit = pmo()
    row = found(queries.get_decision(unit, decision_id), "decision")
    allow(may_edit(project_for(row)))
    form = bind(SupersedeForm, {"version": row["version"]})
    form.by.choices = [SelectChoice("", "(choose a decision)")] + [
        SelectChoice(str(d["id"]), f"{d['decided_on']} · {d['title']}")
        for d in queries.list_decisions(unit, row["project_id"]) if d["id"] != row["id"]]
    return form_page(
        form, "form.html",
        lambda u: logs.supersede_decision(u, row["id"], form.by.data, form.expected_version()),
        success=url_for(".show", decision_id=row["id"]), message="Decision marked as superseded.",
        current=lambda: queries.get_decision(pmo(), row["id"]),
        title=f"Supersede: {row['title']}", lead=f"Decided on {row['decided_on']} by {row['decided_by']}.",
        submit="Mark superseded", cancel=url_for(".show", decision_id=row["id"]),
    )
