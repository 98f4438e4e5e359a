"""The action list: tasks with an owner and a due date; assign, update, close, cancel, reopen."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from core import queries
from core.domain.action import STATUSES
from core.permissions import can_read
from core.services import logs
from web import exports
from web.auth import require
from web.views.asof import at, today
from web.views.common import (
    allow, bind, form_page, history, lookup, may_edit, people, pmo, project_for, projects_by_id,
    with_project_picker,
)
from web.views.forms import ActionForm, OutcomeForm, Versioned

bp = Blueprint("actions", __name__, url_prefix="/actions")

OVERDUE = {"yes": True, "no": False}


@bp.route("")
@require(can_read)
def index():
    """Actions filtered by owner, status, overdue and project (a plain GET form)."""
    unit, when = pmo(), at()
    args = {k: (request.args.get(k) or "").strip() for k in ("owner", "status", "overdue", "project")}
    project = queries.get_project(unit, args["project"], at=when) if args["project"] else None
    filters = dict(project_id=project["id"] if project else None, owner=args["owner"] or None,
                   status=args["status"] if args["status"] in STATUSES else None,
                   overdue=OVERDUE.get(args["overdue"]), at=when, today=today())
    unknown = bool(args["project"]) and project is None  # an unknown project has no actions
    if fmt := exports.export_format():  # every row of the filters as a file: ?format=csv|xlsx
        rows = [] if unknown else queries.list_actions(unit, **filters)
        return exports.download(exports.actions(rows, projects_by_id(), today()), fmt, "actions")
    # Fifty at a time: the list stays the same size however many actions there are.
    found = (queries.Page([], 0, 1) if unknown else
             queries.actions_page(unit, **filters, page=queries.page_number(request.args.get("page"))))
    return render_template(
        "actions/list.html", rows=found.rows, page=found, args=args, statuses=STATUSES,
        projects=queries.projects_by_ids(unit, [a["project_id"] for a in found.rows], at=when),
        owners=queries.action_owners(unit, at=when), filtered=any(args.values()),
    )


def _action(action_id) -> tuple[dict, dict | None]:
    """The action and its project, as of the page's moment (forms: now)."""
    row = lookup(queries.get_action, action_id, "action", today=today())
    return row, project_for(row)


def _editable(action_id) -> tuple[dict, dict | None]:
    row, project = _action(action_id)
    allow(may_edit(project))
    return row, project


@bp.route("/<uuid:action_id>")
@require(can_read)
def show(action_id):
    row, project = _action(action_id)
    version = {"version": row["version"]}
    return render_template("actions/show.html", action=row, project=project, history=history(row["id"]),
                           close_form=OutcomeForm(data=version), reopen_form=Versioned(data=version))


@bp.route("/new", methods=["GET", "POST"])
@require(can_read)
def new():
    """Assign an action, for a project (``?project=CODE`` preselects it) or portfolio-wide."""
    form, back = with_project_picker(ActionForm)
    return form_page(
        form, "form.html", lambda unit: logs.assign_action(unit, **form.values()),
        success=lambda a: url_for(".show", action_id=a.id),
        message=lambda a: f"Action assigned to {a.owner}: {a.title}.",
        title="Assign an action", submit="Assign action", cancel=back or url_for(".index"), people=people(),
    )


@bp.route("/<uuid:action_id>/edit", methods=["GET", "POST"])
@require(can_read)
def edit(action_id):
    row, _project = _editable(action_id)
    form = bind(ActionForm, row)
    del form.project_id
    return form_page(
        form, "form.html",
        lambda u: logs.update_action(u, row["id"], form.expected_version(), **form.values()),
        success=url_for(".show", action_id=row["id"]), message="Action updated.",
        current=lambda: queries.get_action(pmo(), row["id"]),
        title=f"Edit action: {row['title']}", submit="Save changes",
        cancel=url_for(".show", action_id=row["id"]), people=people(),
    )


TRANSITIONS = {
    # name: (service, form, button, flash message, takes an outcome)
    "close": (logs.close_action, OutcomeForm, "Mark done", "Action closed as done.", True),
    "cancel": (logs.cancel_action, OutcomeForm, "Cancel action", "Action cancelled.", True),
    "reopen": (logs.reopen_action, Versioned, "Reopen action", "Action reopened.", False),
}


@bp.route("/<uuid:action_id>/<any(close, cancel, reopen):transition>", methods=["GET", "POST"])
@require(can_read)
def transition(action_id, transition: str):
    """Close (done), cancel or reopen an action."""
    row, _project = _editable(action_id)
    service, form_cls, button, message, with_outcome = TRANSITIONS[transition]
    form = bind(form_cls, {"version": row["version"]})

    def change(u):
        outcome = {"outcome": form.outcome.data or ""} if with_outcome else {}
        return service(u, row["id"], expected_version=form.expected_version(), **outcome)

    return form_page(
        form, "form.html", change, success=url_for(".show", action_id=row["id"]), message=message,
        title=f"{button}: {row['title']}", lead=f"Owner {row['owner']}, due {row['due_date'] or 'no date'}, "
                                                f"now {row['status']}.",
        submit=button, cancel=url_for(".show", action_id=row["id"]),
    )
