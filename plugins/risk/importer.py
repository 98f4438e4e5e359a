"""Import of an existing risk register (CSV or XLSX), and CSV/XLSX export of the register.

The file is read by the core's shared reader (``core.importing.readers``: limits, encodings,
line numbers) and the export written by its shared writer (``core.importing.writers``).

Import columns (header names, any case and order): ``ID, title, description, owner,
probability, impact, response, status``; optional ``project`` (a project code; else the
import's target), ``category``, ``kind`` (threat/opportunity), ``cause``, ``effect``,
``proximity`` and ``review_date`` (YYYY-MM-DD). ``response`` starts with the strategy,
optionally followed by what is done: "reduce: second supplier". ``status`` is open or closed.
Probability and impact are recorded as the inherent assessment.

Every row is checked before anything is written. One bad row and nothing is imported: the
report names each bad row by its line in the file (the header is line 1) and its column.
A good file is imported in one transaction, every event by the importing user.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core import queries as core_queries
from core.domain.errors import DomainError, ValidationError
from core.importing import readers
from core.importing.report import RowError
from core.importing.writers import Table
from core.importing.writers import safe as _cell
from core.pmo import PMO
from plugins.risk import queries, services
from plugins.risk.domain import ALL_STRATEGIES, Risk

REQUIRED = ("ID", "title", "description", "owner", "probability", "impact", "response", "status")
OPTIONAL = ("project", "category", "kind", "cause", "effect", "proximity", "review_date")
MAX_BYTES = readers.MAX_BYTES  # an upload's limit: a register of thousands of risks fits
# Domain field names -> the file's column names, to point at the right cell.
COLUMN_OF = {"ref": "ID", "project_id": "project", "strategy": "response", "closure": "status"}


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    risk_ids: list[uuid.UUID] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def imported(self) -> int:
        return 0 if self.dry_run or self.errors else len(self.risk_ids)

    def summary(self) -> str:
        if self.errors:
            return (f"{len(self.errors)} problem(s) in {self.rows} row(s); nothing was imported. "
                    "Correct the file and import it again.")
        if self.dry_run:
            return f"All {self.rows} row(s) are valid. Dry run: nothing was imported."
        return f"Imported {self.imported} risk(s)."


@dataclass
class Target:
    """Where rows without a ``project`` column go: a project, a programme or the portfolio."""

    scope: str = "portfolio"
    project_id: uuid.UUID | None = None
    programme_id: uuid.UUID | None = None


def read_rows(source: str | bytes, filename: str = "register.csv") -> tuple[list[tuple[int, dict[str, str]]],
                                                                         list[RowError]]:
    """``[(line, {column: value})]`` with canonical column names, and header problems.
    Raises ``readers.FileRefused`` for a file that is not a readable CSV or XLSX."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    sheet = readers.read_table(data, filename)
    errors = list(sheet.errors)
    if not sheet.header:
        return [], errors
    canonical = {name.lower(): name for name in (*REQUIRED, *OPTIONAL)}
    columns = [canonical.get(h.lower().replace(" ", "_"), h) for h in sheet.header]
    errors += [RowError(1, name, "required column is missing") for name in REQUIRED if name not in columns]
    errors += [RowError(1, h, f"unknown column (known: {', '.join((*REQUIRED, *OPTIONAL))})")
               for h in columns if h not in (*REQUIRED, *OPTIONAL)]
    rows = [(line, {c: readers.cell_text(v) for c, v in zip(columns, cells)}) for line, cells in sheet.rows]
    return rows, errors


def _int(value: str, column: str, line: int, errors: list[RowError]) -> int | None:
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        errors.append(RowError(line, column, f"{value!r} is not a whole number"))
        return None


def _date(value: str, column: str, line: int, errors: list[RowError]) -> date | None:
    if value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(RowError(line, column, f"{value!r} is not a date (YYYY-MM-DD)"))
        return None


def parse_response(value: str) -> tuple[str, str] | None:
    """'reduce: second supplier' -> ('reduce', 'second supplier'); None: no strategy given."""
    head, _, rest = value.replace(" - ", ":", 1).partition(":")
    word = head.strip().lower()
    if word in ALL_STRATEGIES:
        return word, rest.strip()
    first, _, tail = value.strip().partition(" ")
    if first.lower() in ALL_STRATEGIES:
        return first.lower(), tail.strip()
    return None


def import_register(pmo: PMO, source: str | bytes, target: Target | None = None, dry_run: bool = False,
                    filename: str = "register.csv") -> ImportReport:
    """Check every row; unless ``dry_run`` or a row is bad, write them all in one save.

    ``source`` is the file's text or bytes; ``filename`` says whether it is CSV or XLSX. Runs
    inside the caller's command context: the events are by its actor.
    """
    target = target or Target()
    rows, errors = read_rows(source, filename)
    report = ImportReport(rows=len(rows), errors=errors, dry_run=dry_run)
    if any(e.line == 1 for e in errors):
        return report  # with the wrong columns, every row would only repeat the problem
    scale = services.scale(pmo)
    given: dict[str, int] = {}
    for line, row in rows:
        if row.get("ID"):
            key = f"{row.get('project', '').lower()}:{row['ID'].lower()}"
            if key in given:
                report.errors.append(RowError(line, "ID", f"{row['ID']} is also on line {given[key]}"))
            given.setdefault(key, line)
    taken = {key.split(":", 1)[1] for key in given}
    risks: list[Risk] = []
    for line, row in rows:
        problems: list[RowError] = []
        for column in ("title", "owner"):
            if not row.get(column):
                problems.append(RowError(line, column, "required"))
        where = target
        if row.get("project"):
            project = core_queries.get_project(pmo, row["project"])
            if project is None:
                problems.append(RowError(line, "project", f"no project {row['project']!r}"))
            else:
                where = Target("project", project["id"], None)
        probability = _int(row["probability"], "probability", line, problems) if "probability" in row else None
        impact = _int(row["impact"], "impact", line, problems) if "impact" in row else None
        for name, value in (("probability", probability), ("impact", impact)):
            labels = scale.probability if name == "probability" else scale.impact
            if value is not None and not 1 <= value <= len(labels):
                problems.append(RowError(line, name, f"must be from 1 to {len(labels)}"))
        if (probability is None) != (impact is None) and not problems:
            missing = "impact" if impact is None else "probability"
            problems.append(RowError(line, missing, "give both probability and impact, or neither"))
        response = parse_response(row["response"]) if row.get("response") else None
        if row.get("response") and response is None:
            problems.append(RowError(line, "response", "start with a strategy: " + ", ".join(ALL_STRATEGIES)))
        status = (row.get("status") or "open").lower()
        if status not in ("open", "closed"):
            problems.append(RowError(line, "status", "must be open or closed"))
        proximity = _date(row.get("proximity", ""), "proximity", line, problems)
        review_date = _date(row.get("review_date", ""), "review_date", line, problems)
        if problems:
            report.errors.extend(problems)
            continue
        try:
            ref = row.get("ID") or None
            if ref and pmo.exists(Risk.create_id(ref, where.scope, where.project_id, where.programme_id)):
                raise ValidationError(f"{ref} is already in the register", "ref")
            risk = services.new_risk(
                pmo, row.get("title", ""), row.get("owner", ""), scope=where.scope, project_id=where.project_id,
                programme_id=where.programme_id, description=row.get("description", ""),
                cause=row.get("cause", ""), effect=row.get("effect", ""),
                category=(row.get("category") or "other").lower(), kind=(row.get("kind") or "threat").lower(),
                proximity=proximity, review_date=review_date, ref=ref, taken=taken)
            taken.add(risk.ref.lower())
            if probability is not None:
                risk.assess("inherent", probability, impact, scale, risk.identified_on, "Imported")
            if response is not None:
                risk.plan_response(*response)
            if status == "closed":
                risk.close("Closed in the imported register", risk.identified_on)
        except DomainError as error:
            column = COLUMN_OF.get(error.field or "", error.field or "row")
            report.errors.append(RowError(line, column, error.message))
            continue
        risks.append(risk)
    report.errors.sort(key=lambda e: e.line)  # within a line: in the order of the checks
    report.risk_ids = [r.id for r in risks]
    if report.ok and not dry_run and risks:
        pmo.save(*risks)
    return report


# --- export ---------------------------------------------------------------------------------

EXPORT_COLUMNS = (*REQUIRED, "project", "category", "kind", "cause", "effect", "proximity", "review_date",
                  "inherent_score", "residual_score", "score", "level", "strategy", "review_due")


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
            response, "open" if r["status"] == "open" else "closed", r["project_code"] or "", r["category"],
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
