"""The register's own import entry points, and its CSV/XLSX export.

Import: /risks/import, /api/risks/import and ``pmo risk import`` take a register for one
place (a project, a programme or the portfolio): ``import_register`` gives the rows that name
no project or programme that place, then hands the file to the core's import of the
``risks`` kind (``import_kind``: the columns, the checks, all rows in one save or none). The
report is the core's ``ImportReport``: every problem by line and field.

Export: the register as ``EXPORT_COLUMNS`` through the core's shared writer
(``core.importing.writers``); a file exported here imports again.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from core import queries as core_queries
from core.domain.errors import ValidationError
from core.importing import ImportReport, Sheet, import_sheet, read_table
from core.importing.columns import auto_map
from core.importing.readers import MAX_BYTES, cell_text  # noqa: F401  (MAX_BYTES: the pages' upload limit)
from core.importing.writers import Table
from core.importing.writers import safe as _cell
from core.pmo import PMO
from plugins.risk import import_kind, queries


@dataclass
class Target:
    """Where rows that name no project or programme go: a project, a programme or the portfolio."""

    scope: str = "portfolio"
    project_id: uuid.UUID | None = None
    programme_id: uuid.UUID | None = None


def import_register(pmo: PMO, source: str | bytes, target: Target | None = None, dry_run: bool = False,
                    filename: str = "register.csv") -> ImportReport:
    """Check every row; unless ``dry_run`` or a row is bad, write them all in one save.

    ``source`` is the file's text or bytes; ``filename`` says whether it is CSV or XLSX (raises
    ``FileRefused`` for neither). Runs inside the caller's command context: the events are by
    its actor, with the file name and the context's reason as their reason.
    """
    data = source.encode("utf-8") if isinstance(source, str) else source
    sheet = read_table(data, filename)
    place = _place(pmo, target or Target())
    if place is not None and sheet.header:
        sheet = _placed(sheet, *place)
    return import_sheet(pmo, import_kind.RISKS.name, sheet, filename, dry_run=dry_run)


def _place(pmo: PMO, target: Target) -> tuple[str, str] | None:
    """The target as the file would name it: ("project", its code), ("programme", its code);
    None for the portfolio (a row naming neither is portfolio-wide anyway)."""
    if target.scope == "portfolio":
        return None
    found = (core_queries.get_project(pmo, target.project_id) if target.scope == "project"
             else core_queries.get_programme(pmo, target.programme_id))
    if found is None:
        raise ValidationError(f"no such {target.scope}", target.scope)
    return target.scope, found["code"]


def _placed(sheet: Sheet, field: str, code: str) -> Sheet:
    """``sheet`` with ``code`` as the ``field`` (project or programme) of each row that names
    neither: the file then says where every risk goes, and the kind checks it like any other."""
    column = {name: i for i, name in auto_map(sheet.header, import_kind.FIELDS).items()}
    header = list(sheet.header)
    if field not in column:
        column[field] = len(header)
        header.append(field)
    width = len(header)
    rows = []
    for line, cells in sheet.rows:
        cells = [*cells, *[""] * (width - len(cells))]
        if not any(cell_text(cells[column[f]]) for f in ("project", "programme") if f in column):
            cells[column[field]] = code
        rows.append((line, cells))
    return Sheet(header, rows, list(sheet.errors))


# --- export ---------------------------------------------------------------------------------

EXPORT_COLUMNS = ("ID", "title", "description", "owner", "probability", "impact", "response", "status", "project",
                  "programme", "category", "kind", "cause", "effect", "proximity", "review_date", "inherent_score",
                  "residual_score", "score", "level", "strategy", "review_due")


def export_rows(pmo: PMO, at: int | None = None, today: date | None = None, **filters: Any) -> list[list[Any]]:
    """The register as rows under ``EXPORT_COLUMNS``; probability and impact are the current
    exposure's (residual once assessed), so a file exported here imports again."""
    filters.setdefault("status", "all")
    rows = []
    for r in queries.list_risks(pmo, at, today, **filters):
        basis = "residual" if r["residual_score"] is not None else "inherent"
        response = f"{r['strategy']}: {r['response']}".rstrip(": ") if r["strategy"] else ""
        rows.append([_cell(v) for v in (
            r["ref"], r["title"], r["description"], r["owner"], r[f"{basis}_probability"], r[f"{basis}_impact"],
            response, "open" if r["status"] == "open" else "closed", r["project_code"] or "",
            # A programme's own risk names its programme; a project's names only the project
            # (the import refuses a row that names both).
            (r["programme_code"] or "") if r["scope"] == "programme" else "", r["category"],
            r["kind"], r["cause"], r["effect"], r["proximity"], r["review_date"], r["inherent_score"],
            r["residual_score"], r["score"], r["level"], r["strategy"], "yes" if r["review_due"] else "no")])
    return rows


def export_table(rows: list[list[Any]]) -> Table:
    """The rows of ``export_rows`` under their headings, for ``core.importing.writers``."""
    return Table("Risk register", list(EXPORT_COLUMNS), rows)


ISSUE_COLUMNS = ("ref", "title", "where", "project", "programme", "priority", "owner", "escalation", "raised_on",
                 "status", "description", "resolution", "resolved_on", "from_risk")


def issue_table(rows: list[dict[str, Any]]) -> Table:
    """The issue register's rows (``queries.list_issues``) as an export table."""
    return Table("Issue register", list(ISSUE_COLUMNS), [[
        r["ref"], r["title"], r["where"], r["project_code"], r["programme_code"], r["priority"], r["owner"],
        r["escalation"], r["raised_on"], r["status"], r["description"], r["resolution"], r["resolved_on"],
        "yes" if r["risk_id"] else "no"] for r in rows])
