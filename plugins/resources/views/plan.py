"""The plan's pages: allocations, demand, the heat map, over-allocations, the skills search and
the import. Allocating beyond capacity is recorded, and the page says where it over-books."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import abort, flash, render_template, request, url_for

from core import queries as core_queries
from core.importing.readers import MAX_BYTES, FileRefused
from core.importing.writers import Table
from core.permissions import can_edit_portfolio, can_read
from plugins import kit
from plugins.resources import capacity as cap
from plugins.resources import charts, forms, importer, queries, services, workload
from plugins.resources.domain import ALLOCATION_STATUSES, DEMAND_STATUSES
from plugins.resources.views import bp, editing, form_page, person_choices, preselect, project_choices, suggestions
from plugins.resources.workload import GROUPINGS


def _month(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(f"{raw.strip()[:7]}-01") if raw and raw.strip() else None
    except ValueError:
        return None


def _window() -> list[date]:
    """``?start=YYYY-MM&months=N`` (default: two months back, a year in all)."""
    first = _month(request.args.get("start"))
    if first is None or not 1990 <= first.year <= 2100:
        first = cap.add_months(cap.month_start(kit.today()), -2)
    count = request.args.get("months", "")
    return cap.months(first, int(count) if count.isdigit() and 1 <= int(count) <= 36 else 12)


def _project_key() -> tuple[Any, dict | None]:
    code = (request.args.get("project") or "").strip()
    project = core_queries.get_project(kit.pmo(), code, at=kit.at()) if code else None
    return code, project


# --- allocations ----------------------------------------------------------------------------

@bp.route("/allocations/")
@kit.require(can_read)
def allocations():
    """Allocations by project or person; ``?format=csv|xlsx`` exports them as shown."""
    unit, at = kit.pmo(), kit.at()
    code, project = _project_key()
    status = request.args.get("status") if request.args.get("status") in (*ALLOCATION_STATUSES, "all") else "active"
    person_id = queries.as_uuid(request.args.get("person"))
    rows = [] if code and project is None else queries.list_allocations(
        unit, at, person_id=person_id, project_id=project["id"] if project else None, status=status)
    fmt = kit.export_format()
    if fmt:
        return kit.download(Table("Allocations", ["person", "project", "start_date", "end_date", "percent",
                                                  "hours_per_month", "status"], [
            [r["person_name"], r["project_code"], r["start_date"], r["end_date"], r["percent"], r["hours_per_month"],
             r["status"]] for r in rows]), fmt, "allocations")
    return render_template("resources/allocations.html", rows=rows, status=status, statuses=ALLOCATION_STATUSES,
                           project=project, code=code, projects=core_queries.list_projects(unit, at=at),
                           person=queries.get_person(unit, person_id, at) if person_id else None,
                           may_create=editing() and queries.may_write(kit.user()))


def _after_allocating(allocation: Any) -> str:
    """Say where the allocation books its person beyond capacity; it is recorded all the same."""
    months = cap.months_between(allocation.start_date, allocation.end_date)
    for warning in workload.over_allocations(kit.pmo(), months=months, person_ids={allocation.person_id}):
        flash(f"Over-allocated: {workload.describe(warning)}. The allocation is recorded; the PMO decides.",
              "warning")
    return url_for(".person", person_id=allocation.person_id)


@bp.route("/allocations/new", methods=["GET", "POST"])
@kit.require(queries.may_write)
def new_allocation():
    """Allocate a person to a project (``?project=CODE``, ``?person=ID`` preselect)."""
    form = forms.AllocationForm()
    form.person_id.choices = person_choices()
    if request.method == "GET" and request.args.get("person"):
        form.person_id.data = request.args["person"]
    _code, project = _project_key()
    preselect(form, "project_id", project_choices(), str(project["id"]) if project else None)

    def act(unit):
        values = form.values()
        values.update(person_id=uuid.UUID(values["person_id"]), project_id=uuid.UUID(values["project_id"]))
        return services.allocate(unit, **values)

    return form_page(form, act, _after_allocating, "Allocation recorded.", "Allocate a person", url_for(".allocations"),
                     lead="A percentage of a full-time week (40 hours), or hours per month.", submit="Allocate")


@bp.route("/allocations/<uuid:allocation_id>/<any(edit, withdraw):change>", methods=["GET", "POST"])
@kit.require(queries.may_write)
def change_allocation(allocation_id: uuid.UUID, change: str):
    row = queries.get_allocation(kit.pmo(), allocation_id)
    if row is None:
        abort(404, "There is no such allocation.")
    kit.allow(queries.may_plan(kit.pmo(), kit.user(), row["project_id"]), "planning people on this project")
    lead = f"{row['person_name']} on {row['project_code']} · {row['start_date']} – {row['end_date']} · {row['status']}"
    if change == "withdraw":
        form = forms.ConfirmForm(data={"version": row["version"]}) if request.method == "GET" else forms.ConfirmForm()
        return form_page(form, lambda u: services.withdraw_allocation(u, row["id"], form.expected_version()),
                         lambda _: url_for(".person", person_id=row["person_id"]), "Allocation withdrawn.",
                         "Withdraw the allocation", url_for(".allocations"), lead=lead, submit="Withdraw")
    form = forms.AllocationEditForm(data=row) if request.method == "GET" else forms.AllocationEditForm()
    return form_page(form, lambda u: services.change_allocation(u, row["id"], form.expected_version(), **form.values()),
                     _after_allocating, "Allocation changed.", "Change the allocation", url_for(".allocations"),
                     lead=lead)


# --- demand ---------------------------------------------------------------------------------

@bp.route("/demand/")
@kit.require(can_read)
def demand():
    """Role-based demand: unfilled (in whole or in part) by default; ``?format=`` exports it."""
    unit, at = kit.pmo(), kit.at()
    code, project = _project_key()
    status = request.args.get("status") if request.args.get("status") in (*DEMAND_STATUSES, "all") else "open"
    role = (request.args.get("role") or "").strip()
    rows = [] if code and project is None else queries.list_demands(
        unit, at, project_id=project["id"] if project else None, role=role or None, status=status)
    fmt = kit.export_format()
    if fmt:
        return kit.download(Table("Demand", ["project", "role", "fte", "open_fte", "start_date", "end_date", "status",
                                             "note"], [
            [r["project_code"], r["role"], r["fte"], r["open_fte"], r["start_date"], r["end_date"], r["status"],
             r["note"]] for r in rows]), fmt, "demand")
    return render_template("resources/demand.html", rows=rows, status=status, statuses=DEMAND_STATUSES, role=role,
                           code=code, projects=core_queries.list_projects(unit, at=at),
                           roles=queries.choices(unit, at)["roles"], editing=editing(),
                           may_create=editing() and queries.may_write(kit.user()))


@bp.route("/demand/new", methods=["GET", "POST"])
@kit.require(queries.may_write)
def new_demand():
    """Ask for a role on a project for a period (``?project=CODE`` preselects it)."""
    form = forms.DemandForm()
    _code, project = _project_key()
    preselect(form, "project_id", project_choices(), str(project["id"]) if project else None)

    def act(unit):
        values = form.values()
        return services.raise_demand(unit, **{**values, "project_id": uuid.UUID(values["project_id"])})

    return form_page(form, act, lambda _: url_for(".demand"), "Demand recorded.", "Ask for a role",
                     url_for(".demand"), lead="For example 2 FTE business analyst for the third quarter.",
                     submit="Ask")


@bp.route("/demand/<uuid:demand_id>/<any(fill, withdraw):change>", methods=["GET", "POST"])
@kit.require(queries.may_write)
def change_demand(demand_id: uuid.UUID, change: str):
    row = queries.get_demand(kit.pmo(), demand_id)
    if row is None:
        abort(404, "There is no such demand.")
    kit.allow(queries.may_plan(kit.pmo(), kit.user(), row["project_id"]), "planning people on this project")
    lead = (f"{row['project_code']} asks for {row['fte']:g} FTE {row['role']}, {row['start_date']} – "
            f"{row['end_date']}; {row['open_fte']:g} FTE open")
    if change == "withdraw":
        form = forms.ConfirmForm(data={"version": row["version"]}) if request.method == "GET" else forms.ConfirmForm()
        return form_page(form, lambda u: services.withdraw_demand(u, row["id"], form.expected_version()),
                         lambda _: url_for(".demand"), "Demand withdrawn.", "Withdraw the demand",
                         url_for(".demand"), lead=lead, submit="Withdraw")
    form = forms.FillForm(data={"version": row["version"]}) if request.method == "GET" else forms.FillForm()
    wanted = row["role"].lower()
    form.person_id.choices = sorted(person_choices(), key=lambda c: wanted not in c.label.lower())
    return form_page(form, lambda u: services.fill_demand(u, row["id"], uuid.UUID(form.person_id.data), form.fte.data,
                                                          expected_version=form.expected_version()),
                     _after_allocating, "Demand filled: the person is allocated.", f"Fill: {row['role']}",
                     url_for(".demand"), lead=lead, submit="Allocate to this demand")


# --- the heat map, warnings, search ---------------------------------------------------------

@bp.route("/heatmap")
@kit.require(can_read)
def heatmap():
    """Capacity against demand per month, by person, role or department."""
    by = request.args.get("by") if request.args.get("by") in GROUPINGS else "person"
    months = _window()
    data = workload.heatmap(kit.pmo(), kit.at(), by, months[0], len(months))
    svg = charts.heatmap("resources-heatmap", f"Capacity against demand by {by}, {data['months'][0]} to "
                         f"{data['months'][-1]}", data)
    return render_template("resources/heatmap.html", data=data, svg=svg, legend=charts.legend(), by=by,
                           groupings=GROUPINGS, start=data["months"][0], count=len(months))


@bp.route("/warnings")
@kit.require(can_read)
def warnings():
    """Each person and month booked beyond capacity, with the projects that book them."""
    months = _window()
    rows = workload.over_allocations(kit.pmo(), kit.at(), months)
    return render_template("resources/warnings.html", rows=rows, start=cap.label(months[0]), count=len(months),
                           last=cap.label(months[-1]))


@bp.route("/skills")
@kit.require(can_read)
def skills():
    """Who has a skill at a level or above and, given a month, room in it."""
    args = {k: (request.args.get(k) or "").strip() for k in ("skill", "min_level", "free_in", "min_free_pct")}
    level = int(args["min_level"]) if args["min_level"] in ("1", "2", "3", "4", "5") else 1
    pct = int(args["min_free_pct"]) if args["min_free_pct"].isdigit() and 1 <= int(args["min_free_pct"]) <= 100 else 20
    month = _month(args["free_in"])
    month = month if month and 1990 <= month.year <= 2100 else None
    asked = bool(args["skill"] or month)
    rows = workload.search(kit.pmo(), kit.at(), args["skill"], level, month, pct) if asked else None
    return render_template("resources/search.html", rows=rows, args=args, level=level, pct=pct, month=month,
                           skills=queries.choices(kit.pmo(), kit.at())["skills"])


# --- import ---------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@kit.require(can_edit_portfolio)
def import_file():
    """Upload a people list or an allocation sheet (pmo, admin): a dry run reports every bad row;
    one bad row and nothing is imported; a good file is imported in one go, by you."""
    form = forms.ImportForm()
    report, notes, status = None, [], 200
    if request.method == "POST" and form.validate():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors = ["Choose a CSV or XLSX file."]
        else:
            try:
                with kit.command(form.reason.data or "") as unit:
                    report = importer.import_file(unit, form.kind.data, upload.read(MAX_BYTES + 1), upload.filename,
                                                  dry_run=form.dry_run.data != "no")
                notes = importer.warnings(unit, report)
            except FileRefused as error:
                form.file.errors = [error.message]
    if request.method == "POST":
        status = 200 if report is not None and report.ok else 422
    return render_template("resources/import.html", form=form, report=report, notes=notes,
                           roles=suggestions()["roles"]), status
