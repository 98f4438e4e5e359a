"""The benefits register as a table for ``core.importing.writers`` (CSV or XLSX): the rows a
page or ``pmo benefits export`` shows, with their filters and moment."""
from __future__ import annotations

from typing import Any

from core.importing.writers import Table
from core.importing.writers import safe as _cell

COLUMNS = ("ref", "title", "kind", "category", "type", "owner", "measured_by", "objectives", "enabling_projects",
           "indicator", "unit", "baseline_value", "baseline_date", "target_value", "target_date", "frequency",
           "measurements", "latest_on", "latest_value", "planned_today", "state", "at_risk", "status", "outcome")


def table(rows: list[dict[str, Any]]) -> Table:
    return Table("Benefits register", list(COLUMNS), [[_cell(v) for v in (
        r["ref"], r["title"], r["kind"], r["category"], r["benefit_type"], r["owner"], r["measured_by"],
        " ".join(o["ref"] for o in r["objectives"]), " ".join(e["code"] for e in r["enablers"]), r["indicator"],
        r["unit"], r["baseline_value"], r["baseline_date"], r["target_value"], r["target_date"], r["frequency"],
        r["measurements"], r["latest_on"], r["latest_value"], round(r["planned_today"], 4), r["state"],
        "yes" if r["at_risk"] else "no", r["status"], r["outcome"] or "")] for r in rows])
