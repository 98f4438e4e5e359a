"""Pages under /benefits: the register, the overview per objective, the benefit map, a
benefit's page with its realisation curve, the objectives, and the round trip of every form.

Thin views: read the request, call one query or one service (inside ``kit.form_page``),
render. Every read page honours ``?as_of=`` (``kit.at()``, ``kit.today()``); forms always
change the ledger as it is now.
"""
from __future__ import annotations

import uuid
from typing import Any, Callable

from wtforms.fields.choices import SelectChoice
from flask import Blueprint, abort, request, render_template, url_for

from core import history as core_history
from core import queries as core_queries
from core.permissions import can_edit_portfolio, can_read
from plugins import kit
from plugins.benefits import charts, export, forms, queries, services
from plugins.benefits.domain import CATEGORIES, KINDS, STATUSES
from plugins.benefits.projections import benefits as benefits_table
from plugins.benefits.realisation import STATES, TOLERANCE

bp = Blueprint("benefits", __name__, url_prefix="/benefits", template_folder="templates", static_folder="static",
               static_url_path="/static")

FILTERS = ("objective", "project", "programme", "kind", "category", "state", "status", "q", "sort")


def _editing() -> bool:
    return kit.moment() is None


def _filters(at: int | None) -> tuple[dict[str, str], dict[str, Any] | None]:
    """The page's filters and ``list_benefits`` arguments (None: a named place is unknown)."""
    args = {k: (request.args.get(k) or "").strip() for k in FILTERS}
    unit = kit.pmo()
    project = core_queries.get_project(unit, args["project"], at=at) if args["project"] else None
    programme = next((p for p in core_queries.list_programmes(unit, at=at)
                      if args["programme"] and args["programme"].lower() in (p["code"].lower(), str(p["id"]))), None)
    objective = next((o for o in queries.list_objectives(unit, at)
                      if args["objective"] and args["objective"].lower() in (o["ref"].lower(), str(o["id"]))), None)
    if (args["project"] and not project) or (args["programme"] and not programme) or (args["objective"] and not objective):
        return args, None
    return args, {
        "project_id": project["id"] if project else None, "programme_id": programme["id"] if programme else None,
        "objective_id": objective["id"] if objective else None,
        "kind": args["kind"] if args["kind"] in KINDS else None,
        "category": args["category"] if args["category"] in CATEGORIES else None,
        "state": args["state"] if args["state"] in STATES else None,
        "status": args["status"] if args["status"] in (*STATUSES, "all") else "all", "q": args["q"] or None,
        "sort": args["sort"] or "ref"}


@bp.route("/")
@kit.require(can_read)
def index():
    """The benefits register: every benefit, measured or not, with its state."""
    unit, at = kit.pmo(), kit.at()
    args, filters = _filters(at)
    rows = [] if filters is None else queries.list_benefits(unit, at, kit.today(), **filters)
    return render_template(
        "benefits/list.html", rows=rows, args=args, filtered=any(v for k, v in args.items() if k != "sort"),
        objectives=queries.list_objectives(unit, at), projects=core_queries.list_projects(unit, at=at),
        programmes=core_queries.list_programmes(unit, at=at), kinds=KINDS, categories=CATEGORIES, states=STATES,
        statuses=STATUSES, may_create=_editing() and queries.may_write(kit.user()),
        export_args={k: v for k, v in args.items() if v})


@bp.route("/export")
@kit.require(can_read)
def download():
    """The register as CSV or XLSX, for the same filters and moment as the page."""
    args, filters = _filters(kit.at())
    if filters is None:
        abort(404, "There is no such project, programme or objective.")
    rows = queries.list_benefits(kit.pmo(), kit.at(), kit.today(), **filters)
    return kit.download(export.table(rows), kit.export_format() or "csv", "benefits-register")


@bp.route("/overview")
@kit.require(can_read)
def overview():
    """Per objective: all its benefits and realised vs planned totals per unit."""
    return render_template("benefits/overview.html", groups=queries.overview(kit.pmo(), kit.at(), kit.today()),
                           today=kit.today())


@bp.route("/map")
@kit.require(can_read)
def benefit_map():
    """The benefit map of the portfolio, or of one programme (``?programme=CODE``)."""
    unit, at = kit.pmo(), kit.at()
    code = (request.args.get("programme") or "").strip()
    programmes = core_queries.list_programmes(unit, at=at)
    programme = next((p for p in programmes if code and code.lower() in (p["code"].lower(), str(p["id"]))), None)
    if code and programme is None:
        abort(404, "There is no such programme" + (" at that moment." if at else "."))
    data = queries.benefit_map(unit, at, kit.today(), programme_id=programme["id"] if programme else None)
    paths = {"objective": "/benefits/?objective={}", "benefit": "/benefits/{}", "project": "/projects/{}"}
    codes = {p["project_id"]: p["code"] for p in data["projects"]}

    def href(kind: str, key: Any) -> str:
        return kit.href(paths[kind].format(codes.get(key, key)))

    title = f"Benefit map of programme {programme['code']}" if programme else "Benefit map of the portfolio"
    return render_template("benefits/map.html", data=data, programme=programme, programmes=programmes,
                           svg=charts.benefit_map("benefit-map", title, data, href), title=title)


# --- objectives -------------------------------------------------------------------------------

@bp.route("/objectives/")
@kit.require(can_read)
def objectives():
    return render_template("benefits/objectives.html", rows=queries.list_objectives(kit.pmo(), kit.at()),
                           may_edit=_editing() and can_edit_portfolio(kit.user()))


def _people() -> list[str]:
    return [u["username"] for u in core_queries.list_users(kit.pmo()) if u["active"]]


def _form(form: kit.Form, action: Callable, success: Callable[[Any], str], message: str, title: str, cancel: str,
          submit: str = "Save", lead: str = "") -> Any:
    return kit.form_page(form, action, success, message, title=title, cancel=cancel, submit=submit, lead=lead,
                         people=_people())


@bp.route("/objectives/new", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def new_objective():
    form = forms.ObjectiveForm()
    return _form(form, lambda u: services.define_objective(u, **form.values()),
                 lambda o: url_for(".objectives"), "Objective defined.", "Define a strategic objective",
                 url_for(".objectives"), "Define objective")


@bp.route("/objectives/<uuid:objective_id>/edit", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def edit_objective(objective_id: uuid.UUID):
    row = queries.get_objective(kit.pmo(), objective_id)
    if row is None:
        abort(404, "There is no such objective.")
    form = forms.ObjectiveForm(data=row) if request.method == "GET" else forms.ObjectiveForm()
    return _form(form, lambda u: services.update_objective(u, objective_id, form.expected_version(), **form.values()),
                 lambda _: url_for(".objectives"), "Objective updated.", f"Edit objective {row['ref']}",
                 url_for(".objectives"))


# --- benefits ---------------------------------------------------------------------------------

def _link_choices(form: forms.BenefitEditForm, current: list[uuid.UUID] = ()) -> None:
    """Objectives: all. Projects: those the user may edit, and the ones already linked."""
    unit, user = kit.pmo(), kit.user()
    form.objective_ids.choices = [SelectChoice(o["id"], f"{o['ref']} · {o['title']}")
                                  for o in queries.list_objectives(unit)]
    form.project_ids.choices = [SelectChoice(p["id"], f"{p['code']} · {p['name']}") for p in core_queries.list_projects(unit)
                                if p["id"] in current or queries.may_edit(unit, user, project_ids=[p["id"]])]


def _may_link_posted() -> None:
    """A manager links only projects they manage, and at least one (403 before the form is read)."""
    if request.method != "POST" or can_edit_portfolio(kit.user()):
        return
    posted = request.form.getlist("project_ids")
    kit.allow(bool(posted), "benefits of no project")
    for value in posted:
        try:
            pid = forms.as_uuid(value)
        except ValueError:
            kit.allow(False, "links to that project")
        kit.allow(queries.may_edit(kit.pmo(), kit.user(), project_ids=[pid]), "links to a project you do not manage")


@bp.route("/new", methods=["GET", "POST"])
@kit.require(queries.may_write)
def new():
    """Register a benefit (``?project=CODE`` preselects the enabling project)."""
    form = forms.BenefitForm()
    _link_choices(form)
    project = core_queries.get_project(kit.pmo(), request.args["project"]) if request.args.get("project") else None
    if request.method == "GET" and project:
        form.project_ids.data = [project["id"]]
    _may_link_posted()
    return _form(form, lambda u: services.register_benefit(u, **form.command_values()),
                 lambda b: url_for(".show", benefit_id=b.id), "Benefit registered.", "Register a benefit",
                 url_for(".index"), "Register benefit")


@bp.route("/<uuid:benefit_id>")
@kit.require(can_read)
def show(benefit_id: uuid.UUID):
    """A benefit as of the page's moment: its curve, measurements, links and history."""
    unit, at, today = kit.pmo(), kit.at(), kit.today()
    row = queries.get_benefit(unit, benefit_id, at, today)
    if row is None:
        if at is not None and queries.get_benefit(unit, benefit_id) is not None:
            abort(404, "This benefit did not exist yet at that moment: it was registered later.")
        abort(404, "There is no such benefit.")
    points = queries.benefit_measurements(unit, row, at)
    history = core_history.entity_history(unit, benefit_id, at=at, extra_tables=[benefits_table])
    for e in history:
        e["text"] = core_history.describe(e)
    return render_template("benefits/show.html", b=row, points=points, curve=charts.curve("benefit-curve", row,
                           points, today), history=history, tolerance=int(TOLERANCE * 100),
                           editable=_editing() and row["status"] == "open" and queries.may_edit(unit, kit.user(), row))


def _editable(benefit_id: uuid.UUID) -> dict:
    row = queries.get_benefit(kit.pmo(), benefit_id)
    if row is None:
        abort(404, "There is no such benefit.")
    kit.allow(queries.may_edit(kit.pmo(), kit.user(), row))
    return row


def _change(benefit_id: uuid.UUID, form_cls: type, service: Callable, message: str, title: str, submit: str,
            values: Callable | None = None, prepare: Callable | None = None) -> Any:
    row = _editable(benefit_id)
    form = form_cls(data=row) if request.method == "GET" else form_cls()
    if prepare:
        prepare(form, row)
    return _form(form, lambda u: service(u, row["id"], expected_version=form.expected_version(),
                                         **(values(form, row) if values else form.values())),
                 lambda _: url_for(".show", benefit_id=row["id"]), message, f"{title}: {row['ref']} {row['title']}",
                 url_for(".show", benefit_id=row["id"]), submit, f"Owner {row['owner']} · measured by "
                 f"{row['measured_by']} · {row['indicator']} in {row['unit']}")


@bp.route("/<uuid:benefit_id>/edit", methods=["GET", "POST"])
@kit.require(queries.may_write)
def edit(benefit_id):
    def prepare(form, row):
        _link_choices(form, [e["project_id"] for e in row["enablers"]])
        if request.method == "GET":
            form.objective_ids.data = [o["id"] for o in row["objectives"]]
            form.project_ids.data = [e["project_id"] for e in row["enablers"]]
            form.output.data = ""
        _may_link_posted()

    def values(form, row):
        return form.command_values({e["project_id"]: e["output"] for e in row["enablers"]})

    return _change(benefit_id, forms.BenefitEditForm, services.update_benefit, "Benefit updated.", "Edit benefit",
                   "Save changes", values, prepare)


@bp.route("/<uuid:benefit_id>/measure", methods=["GET", "POST"])
@kit.require(queries.may_write)
def measure(benefit_id):
    """Record a measurement, also long after the enabling projects closed."""
    def prepare(form, row):
        if request.method == "GET":
            form.value.data, form.note.data = None, ""
    return _change(benefit_id, forms.MeasureForm, services.measure_benefit, "Measurement recorded.",
                   "Record a measurement", "Record measurement", prepare=prepare)


@bp.route("/<uuid:benefit_id>/hand-over", methods=["GET", "POST"])
@kit.require(queries.may_write)
def hand_over(benefit_id):
    def prepare(form, row):
        if request.method == "GET":
            form.measurement_owner.data, form.note.data = row["measured_by"], ""
    return _change(benefit_id, forms.HandOverForm, services.hand_over_benefit, "Measurement owner named.",
                   "Who measures", "Save", prepare=prepare)


@bp.route("/<uuid:benefit_id>/close", methods=["GET", "POST"])
@kit.require(queries.may_write)
def close(benefit_id):
    def prepare(form, row):
        if request.method == "GET":
            form.note.data = ""
    return _change(benefit_id, forms.CloseForm, services.close_benefit, "Benefit closed.", "Close benefit",
                   "Close benefit", prepare=prepare)
