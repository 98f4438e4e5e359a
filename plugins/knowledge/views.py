"""Pages under /knowledge: the lessons (ranked search, filters, chart, export), a lesson with
its history, the templates with their versions, "new project from template", the category
list, and a project's category and tags.

Thin views: read the request, call one query or one service (inside ``kit.form_page``),
render. Every read page honours ``?as_of=``; forms always change the ledger as it is now.
"""
from __future__ import annotations

import uuid
from typing import Any, Callable

from wtforms.fields.choices import SelectChoice
from flask import Blueprint, abort, render_template, request, url_for

from core import history as core_history
from core import queries as core_queries
from core.importing.writers import Table
from core.importing.writers import safe as _cell
from core.permissions import can_edit_portfolio, can_edit_project, can_read
from plugins import kit
from plugins.knowledge import charts, forms, queries, services
from plugins.knowledge.domain import KINDS, STATUSES
from plugins.knowledge.projections import lessons as lessons_table
from plugins.knowledge.projections import templates as templates_table

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge", template_folder="templates", static_folder="static",
               static_url_path="/static")

FILTERS = ("q", "category", "tag", "project", "status", "kind")
EXPORT_COLUMNS = ("rank", "title", "kind", "what_happened", "recommendation", "category", "tags", "stage", "project",
                  "recorded_on", "status", "status_on", "recorded_by")


def _editing() -> bool:
    return kit.moment() is None


def _people() -> list[str]:
    return [u["username"] for u in core_queries.list_users(kit.pmo()) if u["active"]]


def _form(form: kit.Form, action: Callable, success: Callable[[Any], str], message: str, title: str, cancel: str,
          submit: str = "Save", lead: str = "") -> Any:
    return kit.form_page(form, action, success, message, template="knowledge/form.html", title=title, cancel=cancel,
                         submit=submit, lead=lead, people=_people(),
                         categories=queries.categories(kit.pmo())["categories"])


# --- lessons ----------------------------------------------------------------------------------

def _filters(at: int | None) -> tuple[dict[str, str], dict[str, Any] | None]:
    args = {k: (request.args.get(k) or "").strip() for k in FILTERS}
    project = core_queries.get_project(kit.pmo(), args["project"], at=at) if args["project"] else None
    if args["project"] and project is None:
        return args, None
    return args, {"q": args["q"] or None, "category": args["category"] or None, "tag": args["tag"] or None,
                  "project_id": project["id"] if project else None,
                  "status": args["status"] if args["status"] in (*STATUSES, "all") else None,
                  "kind": args["kind"] if args["kind"] in KINDS else None}


def _table(rows: list[dict]) -> Table:
    return Table("Lessons learned", list(EXPORT_COLUMNS), [[_cell(v) for v in (
        r["rank"] or "", r["title"], r["kind"], r["what_happened"], r["recommendation"], r["category"],
        ", ".join(r["tags"] or []), r["stage"], r["project_code"] or "", r["recorded_on"], r["status"],
        r["status_on"] or "", r["created_by"])] for r in rows])


@bp.route("/")
@kit.require(can_read)
def index():
    """Lessons learned: search (ranked), filters, lessons per category; ``?format=`` exports."""
    unit, at = kit.pmo(), kit.at()
    args, filters = _filters(at)
    fmt = kit.export_format()
    rows = [] if filters is None else queries.list_lessons(unit, at, **filters)
    if fmt:
        return kit.download(_table(rows), fmt, "lessons")
    counts = queries.lessons_per_category(unit, at)
    chart = charts.per_category("lessons-per-category", counts,
                                lambda c: kit.href(url_for(".index", category=c))) if counts else None
    return render_template(
        "knowledge/lessons.html", rows=rows, args=args, filtered=any(args.values()), chart=chart, counts=counts,
        categories=sorted({c for c, _, _ in counts} | set(queries.categories(unit, at)["categories"])),
        tags=queries.tags_in_use(unit, at), projects=core_queries.list_projects(unit, at=at), statuses=STATUSES,
        kinds=KINDS, may_create=_editing() and queries.may_write(kit.user()),
        may_configure=_editing() and can_edit_portfolio(kit.user()),
        export_args={k: v for k, v in request.args.items() if k in (*FILTERS, "as_of") and v})


def _project_choices(form: forms.LessonForm, current: uuid.UUID | None = None) -> None:
    unit, user = kit.pmo(), kit.user()
    choices = [SelectChoice("", "No project")] if can_edit_portfolio(user) else []
    form.project_id.choices = choices + [
        SelectChoice(str(p["id"]), f"{p['code']} · {p['name']}") for p in core_queries.list_projects(unit)
        if p["id"] == current or queries.may_record(unit, user, p["id"])]


def _may_record_posted() -> None:
    """A manager records lessons only of the projects they manage (403 before the form is read)."""
    if request.method != "POST":
        return
    try:
        pid = forms.opt_uuid(request.form.get("project_id"))
    except ValueError:
        pid = None
        kit.allow(can_edit_portfolio(kit.user()), "lessons of that project")
    if pid is not None and core_queries.get_project(kit.pmo(), pid) is None:
        return  # the service says "no such project" next to the field
    kit.allow(queries.may_record(kit.pmo(), kit.user(), pid), "lessons of that project" if pid else
              "lessons of no project")


@bp.route("/lessons/new", methods=["GET", "POST"])
@kit.require(queries.may_write)
def new_lesson():
    """Record a lesson (``?project=CODE`` preselects the project)."""
    form = forms.LessonForm()
    _project_choices(form)
    project = core_queries.get_project(kit.pmo(), request.args["project"]) if request.args.get("project") else None
    if request.method == "GET" and project:
        form.project_id.data = project["id"]
    _may_record_posted()
    return _form(form, lambda u: services.record_lesson(u, **form.command_values()),
                 lambda lesson: url_for(".show_lesson", lesson_id=lesson.id), "Lesson recorded.", "Record a lesson",
                 url_for(".index"), "Record lesson")


@bp.route("/lessons/<uuid:lesson_id>")
@kit.require(can_read)
def show_lesson(lesson_id: uuid.UUID):
    """A lesson as of the page's moment, with its history (every edit, endorsement, retirement)."""
    unit, at = kit.pmo(), kit.at()
    row = queries.get_lesson(unit, lesson_id, at)
    if row is None:
        if at is not None and queries.get_lesson(unit, lesson_id) is not None:
            abort(404, "This lesson was not recorded yet at that moment.")
        abort(404, "There is no such lesson.")
    history = core_history.entity_history(unit, lesson_id, at=at, extra_tables=[lessons_table])
    for e in history:
        e["text"] = core_history.describe(e)
    user = kit.user()
    return render_template("knowledge/lesson.html", lesson=row, history=history,
                           may_edit=_editing() and row["status"] != "retired" and queries.may_edit(unit, user, row),
                           may_judge=_editing() and row["status"] != "retired" and can_edit_portfolio(user))


def _lesson_for_change(lesson_id: uuid.UUID, check: Callable[[dict], bool]) -> dict:
    row = queries.get_lesson(kit.pmo(), lesson_id)
    if row is None:
        abort(404, "There is no such lesson.")
    kit.allow(check(row), "changes to this lesson")
    return row


@bp.route("/lessons/<uuid:lesson_id>/edit", methods=["GET", "POST"])
@kit.require(queries.may_write)
def edit_lesson(lesson_id: uuid.UUID):
    row = _lesson_for_change(lesson_id, lambda r: queries.may_edit(kit.pmo(), kit.user(), r))
    form = forms.LessonForm(data={**row, "tags": ", ".join(row["tags"] or [])}) if request.method == "GET" \
        else forms.LessonForm()
    _project_choices(form, row["project_id"])
    _may_record_posted()
    return _form(form, lambda u: services.revise_lesson(u, lesson_id, form.expected_version(), **form.command_values()),
                 lambda _: url_for(".show_lesson", lesson_id=lesson_id), "Lesson updated.",
                 f"Edit lesson: {row['title']}", url_for(".show_lesson", lesson_id=lesson_id))


def _judge(lesson_id: uuid.UUID, form_cls: type, service: Callable, message: str, title: str, submit: str) -> Any:
    row = _lesson_for_change(lesson_id, lambda r: can_edit_portfolio(kit.user()))
    form = form_cls(data={"version": row["version"]}) if request.method == "GET" else form_cls()
    return _form(form, lambda u: service(u, lesson_id, form.note.data or "", form.expected_version()),
                 lambda _: url_for(".show_lesson", lesson_id=lesson_id), message, f"{title}: {row['title']}",
                 url_for(".show_lesson", lesson_id=lesson_id), submit)


@bp.route("/lessons/<uuid:lesson_id>/endorse", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def endorse_lesson(lesson_id: uuid.UUID):
    return _judge(lesson_id, forms.EndorseForm, services.endorse_lesson, "Lesson endorsed.", "Endorse lesson",
                  "Endorse")


@bp.route("/lessons/<uuid:lesson_id>/retire", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def retire_lesson(lesson_id: uuid.UUID):
    return _judge(lesson_id, forms.RetireForm, services.retire_lesson, "Lesson retired.", "Retire lesson", "Retire")


@bp.route("/categories", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def categories():
    """The PMO's category list (the lesson form offers it; a lesson may still use another)."""
    row = queries.categories(kit.pmo())
    form = forms.CategoriesForm(data={"version": row["version"], "categories": "\n".join(row["categories"])}) \
        if request.method == "GET" else forms.CategoriesForm()
    return _form(form, lambda u: services.set_categories(u, form.categories.data or "", form.expected_version()),
                 lambda _: url_for(".index"), "Categories saved.", "Lesson categories", url_for(".index"))


# --- templates --------------------------------------------------------------------------------

@bp.route("/templates/")
@kit.require(can_read)
def templates():
    rows = queries.list_templates(kit.pmo(), kit.at())
    return render_template("knowledge/templates.html", rows=rows,
                           may_define=_editing() and can_edit_portfolio(kit.user()),
                           may_apply=_editing() and can_edit_project(kit.user(), None))


def _plugin_choices(form: forms.TemplateForm) -> None:
    plugins = kit.pmo().plugins
    form.recommended_plugins.choices = [SelectChoice(name, plugins[name].title) for name in sorted(plugins)]


@bp.route("/templates/new", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def new_template():
    form = forms.TemplateForm()
    _plugin_choices(form)
    return _form(form, lambda u: services.define_template(u, **form.command_values()),
                 lambda t: url_for(".show_template", template_id=t.id), "Template defined (version 1).",
                 "Define a project template", url_for(".templates"), "Define template")


@bp.route("/templates/<uuid:template_id>")
@kit.require(can_read)
def show_template(template_id: uuid.UUID):
    """A template at its current version, or ``?version=N``; its versions and the projects made from it."""
    unit, at = kit.pmo(), kit.at()
    row = queries.get_template(unit, template_id, at)
    if row is None:
        abort(404, "There is no such template" + (" at that moment." if at else "."))
    versions = queries.template_versions_of(unit, template_id, at)
    number = request.args.get("version", type=int) or row["number"]
    shown = next((v for v in versions if v["number"] == number), None)
    if shown is None:
        abort(404, f"Template {row['name']} has no version {request.args.get('version')}.")
    return render_template("knowledge/template.html", t=row, shown=shown, versions=versions,
                           made=queries.projects_from(unit, template_id, at),
                           plugins=kit.pmo().plugins,
                           may_edit=_editing() and not row["withdrawn"] and can_edit_portfolio(kit.user()),
                           may_apply=_editing() and not row["withdrawn"] and can_edit_project(kit.user(), None),
                           history=[dict(e, text=core_history.describe(e)) for e in core_history.entity_history(
                               unit, template_id, at=at, extra_tables=[templates_table])])


def _template_for_change(template_id: uuid.UUID) -> dict:
    row = queries.get_template(kit.pmo(), template_id)
    if row is None:
        abort(404, "There is no such template.")
    return row


@bp.route("/templates/<uuid:template_id>/edit", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def edit_template(template_id: uuid.UUID):
    row = _template_for_change(template_id)
    form = forms.TemplateForm()
    _plugin_choices(form)
    if request.method == "GET":
        form.fill(row)
    return _form(form, lambda u: services.revise_template(u, template_id, form.expected_version(),
                                                          **form.command_values()),
                 lambda _: url_for(".show_template", template_id=template_id), "Template saved as a new version.",
                 f"Edit template {row['name']} (now version {row['number']})",
                 url_for(".show_template", template_id=template_id), "Save as a new version",
                 "Projects made from earlier versions keep the version they were made from.")


@bp.route("/templates/<uuid:template_id>/apply", methods=["GET", "POST"])
@kit.require(lambda u: can_edit_project(u, None))
def apply_template(template_id: uuid.UUID):
    """New project from the template: the project, its milestones, actions and profile, at once."""
    row = _template_for_change(template_id)
    user = kit.user()
    form = forms.ApplyForm(data={"version": row["number"], "manager": user.username if user.role == "manager"
                                 else ""}) if request.method == "GET" else forms.ApplyForm()
    lead = (f"Version {row['number']}: {len(row['milestones'])} milestones and {len(row['actions'])} actions "
            "are dated from the start date; category and tags go with the project.")
    return _form(form, lambda u: services.project_from_template(u, template_id, **form.command_values()),
                 lambda p: url_for("pages.projects.show", code=p.code), "Project registered from the template.",
                 f"New project from template {row['name']}", url_for(".show_template", template_id=template_id),
                 "Register project", lead)


# --- project profiles -------------------------------------------------------------------------

@bp.route("/profiles/<uuid:project_id>", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def profile(project_id: uuid.UUID):
    """Set a project's category and tags: lessons of its kind are suggested on its page."""
    unit = kit.pmo()
    project = core_queries.get_project(unit, project_id)
    if project is None:
        abort(404, "There is no such project.")
    row = queries.profile(unit, project_id)
    if request.method == "GET":
        form = forms.ProfileForm(data={"version": row["version"], "category": row["category"],
                                       "tags": ", ".join(row["tags"] or [])} if row else {})
    else:
        form = forms.ProfileForm()
    return _form(form, lambda u: services.profile_project(u, project_id, form.category.data or "",
                                                          form.tags.data or "", form.expected_version()),
                 lambda _: url_for("pages.projects.show", code=project["code"]), "Category and tags saved.",
                 f"Category and tags of {project['code']} {project['name']}",
                 url_for("pages.projects.show", code=project["code"]))
