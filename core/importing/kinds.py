"""What the core can import: projects, milestones and actions (plugins add theirs through the
``import_kinds`` hook, as ``Kind`` objects like these). For each, its fields (with the
headings they are recognised by), its row schema, what makes two rows the same thing, and how
one checked row becomes an aggregate through the same service builders the forms use.

Checks against the ledger read the read models once per import (codes taken, programmes,
projects, milestones and actions already recorded), not once per row. They run on whatever
of a row could be read (``refs``), so a row with a bad date still learns that its project
code is unknown; the aggregate is built only from a row with no problem at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from core import queries
from core.domain.project import NEXT_STAGE, TERMINAL
from core.importing.columns import Field
from core.importing.schemas import ActionRowSchema, MilestoneRowSchema, ProjectRowSchema, RowSchema
from core.pmo import PMO
from core.services.logs import new_action
from core.services.projects import new_project
from core.services.reporting import new_milestone
from events.aggregate import LedgerAggregate

Row = dict[str, Any]
Problem = tuple[str, str]  # (field, message)


@dataclass(frozen=True)
class Kind:
    name: str                     # projects: the URL, the CLI argument
    noun: str                     # project
    fields: tuple[Field, ...]
    schema: type[RowSchema]
    key: Callable[[Row], tuple]   # two rows with the same key are the same thing
    key_field: str                # where a duplicate is pointed at
    lookups: Callable[[PMO], Any]
    refs: Callable[[Row, Any], list[Problem]]               # (what could be read, lookups)
    build: Callable[[PMO, Row, Any, str], LedgerAggregate]  # (pmo, a clean row, lookups, filename)
    landing: str = ""  # a plugin kind's page listing what was imported (a Flask endpoint); "": /imports

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _by_code(rows: list[Row]) -> dict[str, Row]:
    return {r["code"].lower(): r for r in rows}


def _project(lookups: Any, row: Row) -> Row | None:
    return lookups["projects"].get((row.get("project") or "").lower())


def _no_project(row: Row, lookups: Any) -> list[Problem]:
    code = row.get("project")
    return [("project", f"no project with code {code!r}")] if code and _project(lookups, row) is None else []


# --- projects -------------------------------------------------------------------------------

PROJECT_FIELDS = (
    Field("code", "Code", True, "1-40 letters, digits, '-', '_' or '.'; unique",
          ("project code", "project id", "id", "ref", "reference", "project number", "number")),
    Field("name", "Name", True, "", ("project name", "project", "title", "project title")),
    Field("description", "Description", False, "", ("summary", "scope", "project description")),
    Field("sponsor", "Sponsor", False, "", ("project sponsor", "sponsored by")),
    Field("manager", "Manager", False, "a username, e.g. joris", ("project manager", "pm", "lead", "project lead")),
    Field("programme", "Programme", False, "a programme's code; empty: none",
          ("programme code", "program", "program code")),
    Field("start_date", "Start date", False, "YYYY-MM-DD", ("start", "starts", "begin", "start on")),
    Field("end_date", "End date", False, "YYYY-MM-DD", ("end", "ends", "finish", "finish date", "end on")),
    Field("stage", "Stage", False, "idea (the default), proposed, approved, active, closed or cancelled",
          ("phase", "status", "lifecycle stage")),
)


def stages_to(stage: str) -> list[str]:
    """The gates from idea to ``stage``, in order: a project is registered as an idea."""
    if stage == "cancelled":
        return ["cancelled"]
    path, current = [], "idea"
    while current != stage:
        current = NEXT_STAGE[current]
        path.append(current)
    return path


def _project_lookups(pmo: PMO) -> dict[str, Any]:
    return {"taken": {p["code"].lower() for p in queries.list_projects(pmo)},
            "programmes": _by_code(queries.list_programmes(pmo))}


def _project_refs(row: Row, lookups: Any) -> list[Problem]:
    problems = []
    if row.get("code") and row["code"].lower() in lookups["taken"]:
        problems.append(("code", f"project {row['code']} is already registered"))
    if row.get("programme") and row["programme"].lower() not in lookups["programmes"]:
        problems.append(("programme", f"no programme with code {row['programme']!r}"))
    return problems


def _build_project(pmo: PMO, row: Row, lookups: Any, filename: str) -> LedgerAggregate:
    programme = lookups["programmes"].get((row["programme"] or "").lower())
    project = new_project(pmo, row["code"], row["name"], row["description"], row["sponsor"], row["manager"],
                          programme["id"] if programme else None, row["start_date"], row["end_date"])
    for stage in stages_to(row["stage"]):
        project.move_to_stage(stage, f"Recorded as {stage} by the import of {filename}")
    return project


PROJECTS = Kind("projects", "project", PROJECT_FIELDS, ProjectRowSchema, lambda r: (r["code"].lower(),), "code",
                _project_lookups, _project_refs, _build_project)


# --- milestones -----------------------------------------------------------------------------

MILESTONE_FIELDS = (
    Field("project", "Project", True, "the project's code", ("project code", "project id", "code")),
    Field("name", "Milestone", True, "", ("milestone", "milestone name", "name", "title")),
    Field("baseline_date", "Baseline date", True, "YYYY-MM-DD: the date promised",
          ("baseline", "planned", "planned date", "date", "due date")),
    Field("forecast_date", "Forecast date", False, "YYYY-MM-DD, if it has moved", ("forecast",)),
    Field("actual_date", "Actual date", False, "YYYY-MM-DD, when it was met",
          ("actual", "achieved", "achieved on", "completed", "done")),
    Field("description", "Description", False, "", ("details", "notes")),
)


def _recorded(rows: list[Row], name: str) -> set[tuple]:
    return {(r["project_id"], r[name].lower()) for r in rows}


def _milestone_lookups(pmo: PMO) -> dict[str, Any]:
    return {"projects": _by_code(queries.list_projects(pmo)),
            "recorded": _recorded(queries.list_milestones(pmo), "name")}


def _milestone_refs(row: Row, lookups: Any) -> list[Problem]:
    project = _project(lookups, row)
    if project is None:
        return _no_project(row, lookups)
    if project["stage"] in TERMINAL:
        return [("project", f"project {project['code']} is {project['stage']}: it takes no new milestones")]
    if row.get("name") and (project["id"], row["name"].lower()) in lookups["recorded"]:
        return [("name", f"{project['code']} already has a milestone {row['name']!r}")]
    return []


def _build_milestone(pmo: PMO, row: Row, lookups: Any, filename: str) -> LedgerAggregate:
    project = _project(lookups, row)
    milestone = new_milestone(pmo, project["id"], row["name"], row["baseline_date"], row["description"])
    if row["forecast_date"]:
        milestone.reforecast(row["forecast_date"])
    if row["actual_date"]:
        milestone.achieve(row["actual_date"])
    return milestone


MILESTONES = Kind("milestones", "milestone", MILESTONE_FIELDS, MilestoneRowSchema,
                  lambda r: (r["project"].lower(), r["name"].lower()), "name", _milestone_lookups, _milestone_refs,
                  _build_milestone)


# --- actions --------------------------------------------------------------------------------

ACTION_FIELDS = (
    Field("title", "Action", True, "what is to be done", ("action", "task", "title", "what")),
    Field("owner", "Owner", True, "who does it, e.g. a username",
          ("who", "assigned to", "assignee", "responsible", "action owner")),
    Field("due_date", "Due date", False, "YYYY-MM-DD", ("due", "deadline", "by when", "due by")),
    Field("project", "Project", False, "the project's code; empty: portfolio-wide", ("project code", "project id")),
    Field("priority", "Priority", False, "low, normal (the default) or high", ("prio",)),
    Field("status", "Status", False, "open (the default), done or cancelled", ("state",)),
    Field("outcome", "Outcome", False, "for a done or cancelled action", ("result",)),
    Field("description", "Description", False, "", ("details", "notes")),
)


def _action_lookups(pmo: PMO) -> dict[str, Any]:
    return {"projects": _by_code(queries.list_projects(pmo)), "recorded": _recorded(queries.list_actions(pmo), "title")}


def _action_refs(row: Row, lookups: Any) -> list[Problem]:
    project = _project(lookups, row)
    if project is None and row.get("project"):
        return _no_project(row, lookups)
    if row.get("title") and (project["id"] if project else None, row["title"].lower()) in lookups["recorded"]:
        return [("title", f"{project['code'] if project else 'the portfolio'} already has an action {row['title']!r}")]
    return []


def _build_action(pmo: PMO, row: Row, lookups: Any, filename: str) -> LedgerAggregate:
    project = _project(lookups, row)
    project_id = project["id"] if project else None
    action = new_action(pmo, row["title"], row["owner"], row["due_date"], project_id, row["description"],
                        row["priority"])
    if row["status"] == "done":
        action.close(row["outcome"])
    elif row["status"] == "cancelled":
        action.cancel(row["outcome"])
    return action


ACTIONS = Kind("actions", "action", ACTION_FIELDS, ActionRowSchema,
               lambda r: ((r["project"] or "").lower(), r["title"].lower()), "title", _action_lookups, _action_refs,
               _build_action)


KINDS: dict[str, Kind] = {k.name: k for k in (PROJECTS, MILESTONES, ACTIONS)}
