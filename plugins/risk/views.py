"""Pages under /risks: the register, heat maps, a risk's page, the issue register, import,
export and the scales, and the round trip of every form (the forms are in ``forms.py``).

Thin views: read the request, call one query or one service (inside ``kit.command``),
render. Every read page honours ``?as_of=`` (``kit.at()``, ``kit.today()``); forms always
change the ledger as it is now (the app redirects a form opened with ``as_of`` to now).
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from core import history as core_history
from core import queries as core_queries
from core.importing import FileRefused
from core.permissions import can_administer, can_edit_portfolio, can_read
from plugins import kit
from plugins.risk import charts, forms, importer, queries, services
from plugins.risk.domain import (
    BASES, CATEGORIES, ESCALATION, ISSUE_STATUSES, KINDS, LEVELS, PRIORITIES, STATUSES, STRATEGIES,
)
from plugins.risk.panels import LEVEL_RAG
from plugins.risk.projections import issues as issues_table
from plugins.risk.projections import risks as risks_table

bp = Blueprint("risk", __name__, url_prefix="/risks", template_folder="templates", static_folder="static",
               static_url_path="/static")

FILTERS = ("project", "programme", "scope", "status", "kind", "level", "category", "owner", "basis",
           "probability", "impact", "review_due", "q", "sort")
ISSUE_FILTERS = ("project", "programme", "status", "priority", "escalation", "owner", "q", "sort")


def _keep(**values: Any) -> dict[str, Any]:
    """Link arguments, with the page's ``as_of`` kept (links built here, not in a template)."""
    if request.args.get("as_of") and "as_of" not in values:
        values["as_of"] = request.args["as_of"]
    return values


def _editing() -> bool:
    """Nothing can be changed on an as-of page."""
    return kit.moment() is None


# --- filters: the page's query string -> the query's arguments ------------------------------

def _args(names: tuple[str, ...]) -> dict[str, str]:
    return {k: (request.args.get(k) or "").strip() for k in names}


def _place(args: dict[str, str], at: int | None) -> tuple[dict | None, dict | None]:
    unit = kit.pmo()
    project = core_queries.get_project(unit, args["project"], at=at) if args.get("project") else None
    programme = None
    if args.get("programme"):
        programme = next((p for p in core_queries.list_programmes(unit, at=at)
                          if p["code"].lower() == args["programme"].lower() or str(p["id"]) == args["programme"]),
                         None)
    return project, programme


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def risk_filters(args: dict[str, str], at: int | None) -> dict[str, Any] | None:
    """``list_risks`` arguments from the page's filters; None when a named place is unknown."""
    project, programme = _place(args, at)
    if (args.get("project") and project is None) or (args.get("programme") and programme is None):
        return None
    return {
        "project_id": project["id"] if project else None, "programme_id": programme["id"] if programme else None,
        "scope": args.get("scope") or None,
        "status": args.get("status") if args.get("status") in (*STATUSES, "all") else "open",
        "kind": args.get("kind") if args.get("kind") in KINDS else None,
        "level": args.get("level") if args.get("level") in LEVELS else None,
        "category": args.get("category") if args.get("category") in CATEGORIES else None,
        "owner": args.get("owner") or None,
        "basis": args.get("basis") if args.get("basis") in BASES else None,
        "probability": _int(args.get("probability", "")), "impact": _int(args.get("impact", "")),
        "review_due": {"yes": True, "no": False}.get(args.get("review_due", "")),
        "q": args.get("q") or None,
    }


def _sort_links(args: dict[str, str], default: str) -> Callable[[str], str]:
    current = args.get("sort") or default

    def link(name: str) -> str:
        order = f"-{name}" if current == name else name
        return url_for(".index", **_keep(**{k: v for k, v in args.items() if v and k != "sort"}, sort=order))
    return link


# --- the register ---------------------------------------------------------------------------

@bp.route("/")
@kit.require(can_read)
def index():
    """The risk register, filtered and sorted (a plain GET form)."""
    unit, at = kit.pmo(), kit.at()
    args = _args(FILTERS)
    filters = risk_filters(args, at)
    # Fifty at a time, sorted and counted by the database: the register stays the same size
    # however many risks the portfolio carries (the exports still hold every row).
    found = (core_queries.Page([], 0, 1) if filters is None else
             queries.risks_page(unit, at, kit.today(), core_queries.page_number(request.args.get("page")),
                                sort=args["sort"] or "-score", **filters))
    return render_template(
        "risk/list.html", rows=found.rows, page=found, args=args,
        filtered=any(v for k, v in args.items() if k != "sort"), programmes=core_queries.list_programmes(unit, at=at),
        owners=queries.risk_owners(unit, at), statuses=STATUSES, kinds=KINDS, levels=LEVELS,
        categories=CATEGORIES, bases=BASES, sort_link=_sort_links(args, "-score"), sort=args["sort"] or "-score",
        level_rag=LEVEL_RAG, may_create=_editing() and queries.may_write(kit.user()),
        may_import=_editing() and can_edit_portfolio(kit.user()),
        export_args={**{k: v for k, v in args.items() if v}, "status": args["status"] or "open"},
    )


def heatmap_svg(chart_id: str, basis: str, filters: dict[str, Any], link_args: dict[str, str],
                at: int | None, today) -> tuple[Markup, dict]:
    data = queries.heatmap(kit.pmo(), basis, at, today, **filters)

    def href(p: int, i: int) -> str:
        return url_for("risk.index", **_keep(**link_args, basis=basis, probability=p, impact=i))

    title = f"{basis.title()} risk: probability x impact"
    return charts.heatmap(chart_id, title, data["scale"], data["cells"], href), data


@bp.route("/heatmap")
@kit.require(can_read)
def heatmap():
    """Inherent and residual heat maps for a project, a programme or the whole portfolio."""
    unit, at = kit.pmo(), kit.at()
    args = _args(("project", "programme", "status", "kind", "category", "owner"))
    filters = risk_filters(args, at)
    if filters is None:
        abort(404, "There is no such project or programme" + (" at that moment." if at else "."))
    filters = {k: v for k, v in filters.items() if k in ("project_id", "programme_id", "status", "kind",
                                                         "category", "owner")}
    project, programme = _place(args, at)
    link_args = {k: v for k, v in args.items() if v}
    maps = {basis: heatmap_svg(f"heatmap-{basis}", basis, filters, link_args, at, kit.today()) for basis in BASES}
    return render_template(
        "risk/heatmap.html", maps=maps, args=args, project=project, programme=programme,
        projects=core_queries.list_projects(unit, at=at), programmes=core_queries.list_programmes(unit, at=at),
        statuses=STATUSES, kinds=KINDS, link_args=link_args,
    )


@bp.route("/review-due")
@kit.require(can_read)
def review_due():
    """Open risks past their review date (as of the page's day)."""
    rows = queries.list_risks(kit.pmo(), kit.at(), kit.today(), review_due=True, sort="review_date")
    return render_template("risk/review_due.html", rows=rows, level_rag=LEVEL_RAG, today=kit.today())


@bp.route("/export")
@kit.require(can_read)
def export():
    """The register as CSV or XLSX, for the same filters and moment as the page; without a
    status filter, every risk (the register page's links pass the status it shows)."""
    args = _args(FILTERS)
    filters = risk_filters(args, kit.at())
    if filters is None:
        abort(404, "There is no such project or programme.")
    if not args["status"]:
        filters["status"] = "all"
    rows = importer.export_rows(kit.pmo(), kit.at(), kit.today(), sort=args["sort"] or "-score", **filters)
    return kit.download(importer.export_table(rows), kit.export_format() or "csv", "risk-register")


# --- one risk -------------------------------------------------------------------------------

def _risk_now(risk_id: uuid.UUID) -> dict:
    row = queries.get_risk(kit.pmo(), risk_id)
    if row is None:
        abort(404, "There is no such risk.")
    return row


def _history(entity_id: uuid.UUID, table) -> list[dict]:
    entries = core_history.entity_history(kit.pmo(), entity_id, at=kit.at(), extra_tables=[table])
    for e in entries:
        e["text"] = core_history.describe(e)
    return entries


@bp.route("/<uuid:risk_id>")
@kit.require(can_read)
def show(risk_id: uuid.UUID):
    """A risk as of the page's moment: assessments and their trend, mitigations, history."""
    unit, at, today = kit.pmo(), kit.at(), kit.today()
    row = queries.get_risk(unit, risk_id, at, today)
    if row is None:
        if at is not None and queries.get_risk(unit, risk_id) is not None:
            abort(404, "This risk did not exist yet at that moment: it was identified later.")
        abort(404, "There is no such risk.")
    assessed = queries.risk_assessments(unit, risk_id, at)
    scale = queries.current_scale(unit, at)
    trend = charts.score_trend("risk-trend", f"Score of {row['ref']} over time", scale,
                               [(a["assessed_on"], a["basis"], a["score"]) for a in assessed]) if assessed else None
    return render_template(
        "risk/show.html", risk=row, assessments=assessed, trend=trend, scale=scale,
        mitigations=queries.risk_mitigations(unit, risk_id, at, today),
        issue=queries.get_issue(unit, row["issue_id"], at) if row["issue_id"] else None,
        history=_history(risk_id, risks_table), level_rag=LEVEL_RAG,
        editable=_editing() and row["status"] == "open" and queries.may_edit(unit, kit.user(), row),
    )


# --- forms ----------------------------------------------------------------------------------

def _people() -> list[str]:
    return [u["username"] for u in core_queries.list_users(kit.pmo()) if u["active"]]


def form_page(form: kit.Form, action: Callable, success: Callable[[Any], str], message: str, title: str,
              cancel: str, lead: str = "", submit: str = "Save") -> Any:
    """``kit.form_page`` on the risk pages' form template, with the people to choose from."""
    return kit.form_page(form, action, success, message, "risk/form.html", title=title, lead=lead, cancel=cancel,
                         submit=submit, people=_people())


def _where_choices(form: forms.WhereForm) -> None:
    """The places the user may create an item in; none at all is a 403."""
    unit, u = kit.pmo(), kit.user()
    choices = [SelectChoice(f"project:{p['id']}", f"{p['code']} · {p['name']}") for p in core_queries.list_projects(unit)
               if p["stage"] not in ("closed", "cancelled") and queries.may_edit(unit, u, project_id=p["id"])]
    if can_edit_portfolio(u):
        choices += [SelectChoice(f"programme:{p['id']}", f"Programme {p['code']} · {p['name']}")
                    for p in core_queries.list_programmes(unit) if not p["closed"]]
        choices.append(SelectChoice("portfolio", "Portfolio-wide"))
    kit.allow(bool(choices))
    form.where.choices = choices
    if request.method == "POST" and form.where.data not in [c.value for c in choices]:
        kit.allow(False)


def _preselect(form: forms.WhereForm) -> None:
    code = request.args.get("project")
    project = core_queries.get_project(kit.pmo(), code) if code else None
    if request.method == "GET" and project:
        form.where.data = f"project:{project['id']}"


@bp.route("/new", methods=["GET", "POST"])
@kit.require(queries.may_write)
def new():
    """Identify a risk (``?project=CODE`` preselects the project)."""
    form = forms.RiskForm()
    _where_choices(form)
    _preselect(form)

    def act(unit):
        values = form.values("where")
        return services.identify_risk(unit, **form.place(), **values)

    return form_page(form, act, lambda r: url_for(".show", risk_id=r.id), "Risk identified.",
                     "Identify a risk", url_for(".index"), submit="Identify risk")


def _editable(risk_id: uuid.UUID) -> dict:
    row = _risk_now(risk_id)
    kit.allow(queries.may_edit(kit.pmo(), kit.user(), row))
    return row


def _risk_form(risk_id: uuid.UUID, form_cls: type, service: Callable, message: str, title: str,
               submit: str, prepare: Callable | None = None, extra: Callable | None = None) -> Any:
    row = _editable(risk_id)
    form = form_cls(data={**row, "version": row["version"]}) if request.method == "GET" else form_cls()
    if prepare:
        prepare(form, row)
    return form_page(
        form, lambda u: service(u, row["id"], expected_version=form.expected_version(),
                                **(extra(form) if extra else form.values())),
        lambda _: url_for(".show", risk_id=row["id"]), message, f"{title}: {row['ref']} {row['title']}",
        url_for(".show", risk_id=row["id"]), submit=submit,
        lead=f"{row['where']} · owner {row['owner']} · {row['status']}")


@bp.route("/<uuid:risk_id>/edit", methods=["GET", "POST"])
@kit.require(queries.may_write)
def edit(risk_id):
    return _risk_form(risk_id, forms.RiskEditForm, services.update_risk, "Risk updated.", "Edit risk", "Save changes")


@bp.route("/<uuid:risk_id>/assess", methods=["GET", "POST"])
@kit.require(queries.may_write)
def assess(risk_id):
    """Assess on the scales in force; the score and level are computed."""
    scale = services.scale(kit.pmo())

    def prepare(form, row):
        form.probability.choices = [SelectChoice(n, f"{n} · {label}") for n, label in enumerate(scale.probability, 1)]
        form.impact.choices = [SelectChoice(n, f"{n} · {label}") for n, label in enumerate(scale.impact, 1)]
        if request.method == "GET":
            form.basis.data = "residual" if row["inherent_score"] is not None else "inherent"
            basis = form.basis.data if row[f"{form.basis.data}_score"] is not None else "inherent"
            form.probability.data = row[f"{basis}_probability"]
            form.impact.data = row[f"{basis}_impact"]

    return _risk_form(risk_id, forms.AssessForm, services.assess_risk, "Assessment recorded.", "Assess",
                      "Record assessment", prepare)


@bp.route("/<uuid:risk_id>/response", methods=["GET", "POST"])
@kit.require(queries.may_write)
def response(risk_id):
    def prepare(form, row):
        form.strategy.choices = forms.choices(STRATEGIES[row["kind"]])
    return _risk_form(risk_id, forms.ResponseForm, services.plan_response, "Response planned.", "Plan the response",
                      "Save response", prepare)


@bp.route("/<uuid:risk_id>/mitigate", methods=["GET", "POST"])
@kit.require(queries.may_write)
def mitigate(risk_id):
    """Assign a core action (on the risk's project) that mitigates the risk."""
    def prepare(form, row):
        if request.method == "GET":
            form.title.data = ""
            form.description.data = ""
    return _risk_form(risk_id, forms.MitigationForm, services.add_mitigation,
                      "Mitigation action assigned; it is on the project's action list.",
                      "Add a mitigation action", "Assign action", prepare)


@bp.route("/<uuid:risk_id>/review", methods=["GET", "POST"])
@kit.require(queries.may_write)
def review(risk_id):
    def prepare(form, row):
        if request.method == "GET":
            form.next_review.data = kit.today() + timedelta(days=30)
    return _risk_form(risk_id, forms.ReviewForm, services.review_risk, "Review recorded.", "Review", "Record review",
                      prepare)


@bp.route("/<uuid:risk_id>/close", methods=["GET", "POST"])
@kit.require(queries.may_write)
def close(risk_id):
    return _risk_form(risk_id, forms.CloseForm, services.close_risk, "Risk closed.", "Close risk", "Close risk")


@bp.route("/<uuid:risk_id>/materialise", methods=["GET", "POST"])
@kit.require(queries.may_write)
def materialise(risk_id):
    """The risk happened: raise an issue from it (the risk ends, linked to the issue)."""
    row = _editable(risk_id)
    form = forms.MaterialiseForm(data={"version": row["version"]}) if request.method == "GET" else forms.MaterialiseForm()

    def act(unit):
        values = form.values()
        values["owner"] = values["owner"] or None
        values["description"] = values["description"] or None
        return services.materialise_risk(unit, row["id"], expected_version=form.expected_version(), **values)

    return form_page(form, act, lambda issue: url_for(".issue", issue_id=issue.id),
                     "The risk is now an issue.", f"Materialise: {row['ref']} {row['title']}",
                     url_for(".show", risk_id=row["id"]), submit="Raise issue",
                     lead="The risk has happened. It becomes an issue; the risk is kept, linked to it.")


# --- issues ---------------------------------------------------------------------------------

def issue_filters(args: dict[str, str], at: int | None) -> dict[str, Any] | None:
    project, programme = _place(args, at)
    if (args.get("project") and project is None) or (args.get("programme") and programme is None):
        return None
    return {
        "project_id": project["id"] if project else None, "programme_id": programme["id"] if programme else None,
        "status": args.get("status") if args.get("status") in (*ISSUE_STATUSES, "all") else "open",
        "priority": args.get("priority") if args.get("priority") in PRIORITIES else None,
        "escalation": args.get("escalation") if args.get("escalation") in ESCALATION else None,
        "owner": args.get("owner") or None, "q": args.get("q") or None,
    }


@bp.route("/issues/")
@kit.require(can_read)
def issues():
    """The issue register."""
    unit, at = kit.pmo(), kit.at()
    args = _args(ISSUE_FILTERS)
    filters = issue_filters(args, at)
    rows = [] if filters is None else queries.list_issues(unit, at, sort=args["sort"] or "-priority", **filters)
    return render_template(
        "risk/issues.html", rows=rows, args=args, filtered=any(v for k, v in args.items() if k != "sort"),
        projects=core_queries.list_projects(unit, at=at), programmes=core_queries.list_programmes(unit, at=at),
        statuses=ISSUE_STATUSES, priorities=PRIORITIES, escalations=ESCALATION,
        may_create=_editing() and queries.may_write(kit.user()),
        export_args={k: v for k, v in args.items() if v},
    )


@bp.route("/issues/export")
@kit.require(can_read)
def export_issues():
    """The issue register as CSV or XLSX (``?format=``), for the same filters, order and moment
    as the page."""
    args = _args(ISSUE_FILTERS)
    filters = issue_filters(args, kit.at())
    if filters is None:
        abort(404, "There is no such project or programme.")
    rows = queries.list_issues(kit.pmo(), kit.at(), sort=args["sort"] or "-priority", **filters)
    return kit.download(importer.issue_table(rows), kit.export_format() or "csv", "issue-register")


@bp.route("/issues/<uuid:issue_id>")
@kit.require(can_read)
def issue(issue_id: uuid.UUID):
    unit, at = kit.pmo(), kit.at()
    row = queries.get_issue(unit, issue_id, at)
    if row is None:
        if at is not None and queries.get_issue(unit, issue_id) is not None:
            abort(404, "This issue did not exist yet at that moment: it was raised later.")
        abort(404, "There is no such issue.")
    return render_template(
        "risk/issue.html", issue=row, risk=queries.get_risk(unit, row["risk_id"], at) if row["risk_id"] else None,
        history=_history(issue_id, issues_table),
        editable=_editing() and row["status"] == "open" and queries.may_edit(unit, kit.user(), row),
    )


@bp.route("/issues/new", methods=["GET", "POST"])
@kit.require(queries.may_write)
def new_issue():
    form = forms.IssueForm()
    _where_choices(form)
    _preselect(form)
    return form_page(form, lambda u: services.raise_issue(u, **form.place(), **form.values("where")),
                     lambda i: url_for(".issue", issue_id=i.id), "Issue raised.", "Raise an issue",
                     url_for(".issues"), submit="Raise issue")


ISSUE_FORMS = {
    # name: (form, service, flash message, title, button)
    "edit": (forms.IssueEditForm, services.update_issue, "Issue updated.", "Edit issue", "Save changes"),
    "escalate": (forms.EscalateForm, services.escalate_issue, "Issue escalated.", "Escalate", "Escalate"),
    "resolve": (forms.ResolveForm, services.resolve_issue, "Issue resolved.", "Resolve", "Resolve issue"),
}


@bp.route("/issues/<uuid:issue_id>/<any(edit, escalate, resolve):change>", methods=["GET", "POST"])
@kit.require(queries.may_write)
def change_issue(issue_id: uuid.UUID, change: str):
    row = queries.get_issue(kit.pmo(), issue_id)
    if row is None:
        abort(404, "There is no such issue.")
    kit.allow(queries.may_edit(kit.pmo(), kit.user(), row))
    form_cls, service, message, title, submit = ISSUE_FORMS[change]
    form = form_cls(data={**row, "version": row["version"]}) if request.method == "GET" else form_cls()
    return form_page(form, lambda u: service(u, row["id"], expected_version=form.expected_version(), **form.values()),
                     lambda _: url_for(".issue", issue_id=row["id"]), message, f"{title}: {row['ref']} {row['title']}",
                     url_for(".issue", issue_id=row["id"]), submit=submit,
                     lead=f"{row['where']} · {row['priority']} priority · with the {row['escalation']} level")


# --- import and the scales ------------------------------------------------------------------

def _upload(form: forms.ImportForm) -> tuple[bytes, str] | None:
    """The uploaded file's bytes and name; its type and size are checked by the reader."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors = ["Choose a CSV or XLSX file."]
        return None
    return upload.read(importer.MAX_BYTES + 1), upload.filename


@bp.route("/import", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def import_register():
    """Upload a CSV or XLSX register (pmo, admin): a dry run reports every bad row; one bad row and
    nothing is imported; a good file is imported in one go, by you."""
    form = forms.ImportForm()
    unit = kit.pmo()
    form.where.choices = [SelectChoice("portfolio", "Portfolio-wide")] + [
        SelectChoice(str(p["id"]), f"{p['code']} · {p['name']}") for p in core_queries.list_projects(unit)]
    report = None
    status = 200
    if request.method == "POST" and form.validate():
        upload = _upload(form)
        if upload is not None:
            target = (importer.Target() if form.where.data == "portfolio"
                      else importer.Target("project", uuid.UUID(form.where.data)))
            dry = form.dry_run.data != "no"
            try:
                with kit.command(form.reason.data or "Risk register imported") as pmo:
                    report = importer.import_register(pmo, upload[0], target, dry_run=dry, filename=upload[1])
            except FileRefused as error:
                form.file.errors = [error.message]
            if report is not None and report.ok and not dry:
                flash(report.summary(), "success")
                return redirect(url_for(".index", status="all"), 303)
        status = 200 if report is not None and report.ok else 422
    elif request.method == "POST":
        status = 422
    return render_template("risk/import.html", form=form, report=report), status


@bp.route("/scales")
@kit.require(can_read)
def scales():
    """The scales in force (as of the page's moment), as a grid of levels."""
    scale = queries.current_scale(kit.pmo(), kit.at())
    return render_template("risk/scales.html", scale=scale, row=queries.settings_row(kit.pmo(), kit.at()),
                           may_edit=_editing() and can_administer(kit.user()),
                           grid=charts.heatmap("scale-grid", "Levels per cell", scale, {}))


@bp.route("/scales/edit", methods=["GET", "POST"])
@kit.require(can_administer)
def edit_scales():
    row = queries.settings_row(kit.pmo())
    form = forms.ScalesForm(data={**row, "probability_labels": ", ".join(row["probability_labels"]),
                            "impact_labels": ", ".join(row["impact_labels"])}) if request.method == "GET" else forms.ScalesForm()

    def act(unit):
        values = form.values()
        for name in ("probability_labels", "impact_labels"):
            values[name] = [part.strip() for part in values[name].split(",")]
        return services.configure_scales(unit, expected_version=form.expected_version(), **values)

    return form_page(form, act, lambda _: url_for(".scales"), "Scales saved. New assessments use them.",
                     "Risk scales", url_for(".scales"), submit="Save scales",
                     lead="Assessments made earlier keep the score and level they were given.")
