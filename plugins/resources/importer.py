"""Import a people list or an allocation sheet (CSV or XLSX): every row, or (one problem) none.

The file is read by the core's shared reader (``core.importing``: limits, encodings, XLSX,
line numbers, columns matched by heading). Every row is checked before anything is written;
the report names each bad row by its line and column. A good file is saved in one
transaction, every event by the importing user, the file named in the reason.

People     name, email, role; optional department, hours_per_week (or fte), skills
           ("Risk management:3; Planning:4")
Allocation person (their email), project (its code), start_date, end_date, and percent (of
           a full-time week) or hours_per_month
"""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError as SchemaError
from marshmallow import fields

from core import queries as core_queries
from core.domain.errors import DomainError
from core.importing import columns as cols
from core.importing.columns import Field
from core.importing.readers import cell_text, read_table
from core.importing.report import ImportReport, RowError
from core.importing.schemas import Day, RowSchema, Text
from core.importing.service import import_reason
from core.pmo import PMO
from events.context import because, current_context
from plugins.resources import capacity as cap
from plugins.resources import queries, services, workload
from plugins.resources.domain import LEVELS

KINDS = ("people", "allocations")
PEOPLE_FIELDS = (
    Field("name", "Name", True, "", ("full name", "person", "employee", "employee name")),
    Field("email", "Email", True, "unique per person", ("e-mail", "mail", "email address")),
    Field("role", "Role", True, "e.g. business analyst", ("job", "job title", "position", "function")),
    Field("department", "Department", False, "", ("dept", "unit", "team", "organisation")),
    Field("hours_per_week", "Hours per week", False, "contracted hours; default 40",
          ("hours", "weekly hours", "contract hours")),
    Field("fte", "FTE", False, "instead of hours: 1 = 40 hours a week", ("fte %",)),
    Field("skills", "Skills", False, "'Risk management:3; Planning:4' (levels 1-5)", ("competences", "skill")),
)
ALLOCATION_FIELDS = (
    Field("person", "Person", True, "the person's email", ("email", "e-mail", "person email", "employee")),
    Field("project", "Project", True, "the project's code", ("project code", "code")),
    Field("start_date", "Start date", True, "YYYY-MM-DD", ("start", "from")),
    Field("end_date", "End date", True, "YYYY-MM-DD", ("end", "until", "to")),
    Field("percent", "Percent", False, "of a full-time week, 1-100", ("%", "percentage", "allocation")),
    Field("hours_per_month", "Hours per month", False, "instead of a percentage", ("hours", "hours/month")),
)
FIELD_OF = {"person_id": "person", "project_id": "project"}


class Number(fields.Float):
    """A number from a cell: 32, "32", "32,5" or "60%"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        return super()._deserialize(cell_text(value).replace(",", ".").rstrip("%").strip(), attr, data, **kwargs)


class PersonRow(RowSchema):
    name = Text(200, required=True)
    email = Text(200, required=True)
    role = Text(100, required=True)
    department = Text(100, load_default="")
    hours_per_week = Number(load_default=None)
    fte = Number(load_default=None)
    skills = Text(2000, load_default="")


class AllocationRow(RowSchema):
    person = Text(200, required=True)
    project = Text(40, required=True)
    start_date = Day(required=True)
    end_date = Day(required=True)
    percent = Number(load_default=None)
    hours_per_month = Number(load_default=None)


def parse_skills(text: str) -> list[tuple[str, int]]:
    """'Risk management:3; Planning:4' -> [('Risk management', 3), ('Planning', 4)]."""
    found = []
    for part in filter(None, (p.strip() for p in text.replace(",", ";").split(";"))):
        name, _, level = part.rpartition(":")
        if not name.strip() or not level.strip().isdigit() or int(level) not in LEVELS or len(name.strip()) > 80:
            raise DomainError(f"{part!r}: write each skill as name:level, the level 1-5", "skills")
        found.append((name.strip(), int(level)))
    return found


def import_file(pmo: PMO, kind: str, data: bytes, filename: str, dry_run: bool = True) -> ImportReport:
    """Check (``dry_run``) or import a file; ``FileRefused`` for one that cannot be read at all.
    Runs inside the caller's command context: the events are by its actor."""
    if kind not in KINDS:
        raise DomainError(f"cannot import {kind!r}; choose people or allocations", "kind")
    fields_ = PEOPLE_FIELDS if kind == "people" else ALLOCATION_FIELDS
    sheet = read_table(data, filename)
    report = ImportReport(kind, "person" if kind == "people" else "allocation", filename, rows=len(sheet.rows),
                          header=sheet.header, dry_run=dry_run, errors=list(sheet.errors))
    report.columns = cols.auto_map(sheet.header, fields_)
    report.errors += cols.check(sheet.header, report.columns, fields_)
    if any(e.line == 1 for e in report.errors) or not sheet.header:
        return report  # with the wrong columns every row would only repeat the problem
    if not sheet.rows:
        report.errors.append(RowError(2, "row", "the file has a header but no rows"))
        return report
    rows = [(line, {name: cells[i] for i, name in report.columns.items()}) for line, cells in sheet.rows]
    with because(import_reason(filename, current_context().reason)):
        (_people if kind == "people" else _allocations)(pmo, rows, report)
    report.errors.sort(key=lambda e: e.line)
    return report


def _load(schema: RowSchema, line: int, raw: dict, report: ImportReport) -> dict | None:
    try:
        return schema.load(raw)
    except SchemaError as error:
        report.errors += [RowError(line, name, " ".join(map(str, m if isinstance(m, list) else [m])))
                          for name, m in error.messages_dict.items()]
        return None


def _people(pmo: PMO, rows: list, report: ImportReport) -> None:
    taken = services.known_emails(pmo)
    first: dict[str, int] = {}
    checked = []
    for line, raw in rows:
        row = _load(PersonRow(), line, raw, report)
        if row is None:
            continue
        hours = row["hours_per_week"] if row["hours_per_week"] is not None else (
            row["fte"] * cap.FULL_TIME if row["fte"] is not None else cap.FULL_TIME)
        try:
            values = services.check_person(pmo, row["name"], row["email"], row["role"], row["department"],
                                           hours, taken=taken)
            skills = parse_skills(row["skills"])
        except DomainError as error:
            column = error.field or "row"
            if column == "hours_per_week" and row["hours_per_week"] is None:
                column = "fte"  # the hours came from the FTE column
            report.errors.append(RowError(line, column, error.message))
            continue
        if values["email"] in first:
            report.errors.append(RowError(line, "email", f"{values['email']!r} is also on line {first[values['email']]}"))
            continue
        first[values["email"]] = line
        checked.append((values, skills))
    if not report.ok or report.dry_run:
        return
    built = []
    for values, skills in checked:
        person = services.new_person(pmo, values)
        for skill, level in skills:
            person.assess_skill(skill, level, services.business_day())
        built.append(person)
    services.save_people(pmo, *built)
    report.ids, report.events = [p.id for p in built], sum(p.version for p in built)


def _allocations(pmo: PMO, rows: list, report: ImportReport) -> None:
    emails = services.known_emails(pmo)
    projects = {p["code"].lower(): p["id"] for p in core_queries.list_projects(pmo)}
    built = []
    for line, raw in rows:
        row = _load(AllocationRow(), line, raw, report)
        if row is None:
            continue
        person_id = emails.get(row["person"].strip().lower())
        project_id = projects.get(row["project"].strip().lower())
        if person_id is None:
            report.errors.append(RowError(line, "person", f"no person with email {row['person']!r}"))
        if project_id is None:
            report.errors.append(RowError(line, "project", f"no project with code {row['project']!r}"))
        if person_id is None or project_id is None:
            continue
        percent = row["percent"]
        if percent is not None and not float(percent).is_integer():
            report.errors.append(RowError(line, "percent", "a whole number from 1 to 100"))
            continue
        try:
            built.append(services.new_allocation(pmo, person_id, project_id, row["start_date"], row["end_date"],
                                                 int(percent) if percent is not None else None,
                                                 row["hours_per_month"]))
        except DomainError as error:
            report.errors.append(RowError(line, FIELD_OF.get(error.field or "", error.field or "row"), error.message))
    report.ids = [a.id for a in built] if report.ok else []
    if report.ok and not report.dry_run and built:
        pmo.save(*built)
        report.events = len(built)


def warnings(pmo: PMO, report: ImportReport) -> list[str]:
    """The over-allocations an imported allocation sheet causes, one line each."""
    if report.kind != "allocations" or not report.imported:
        return []
    made = [a for a in (queries.get_allocation(pmo, i) for i in report.ids) if a]
    months = sorted({m for a in made for m in cap.months_between(a["start_date"], a["end_date"])})
    found = workload.over_allocations(pmo, months=months, person_ids={a["person_id"] for a in made})
    return [workload.describe(w) for w in found]
