"""The ranking, the selection and the roll-up as tables for CSV/XLSX (``kit.download``), the
same rows the pages and ``pmo portfolio export`` show."""
from __future__ import annotations

from typing import Any

from core.importing.writers import Table

Row = dict[str, Any]


def ranking_table(rows: list[Row], criteria: list[Row]) -> Table:
    headers = ["Rank", "Code", "Project", "Stage", *(f"{c['ref']} (x{c['weight']:g})" for c in criteria),
               "Weighted", "Cost", "Must do"]
    return Table("Ranking", headers, [
        [r["rank"], r["code"], r["name"], r["stage"], *(cell["score"] for cell in r["scores"]), r["weighted"],
         r["cost"], "yes" if r["must_do"] else ""] for r in rows])


def selection_table(result: Row) -> Table:
    rows = [["in", p["code"], p["name"], p["weighted"], p["cost"], "yes" if p["must_do"] else "", ""]
            for p in result["chosen"]]
    rows += [["out", p["code"], p["name"], p["weighted"], p["cost"], "yes" if p["must_do"] else "",
              ", ".join(p["blocked_by"]) or "adds no value"] for p in result["left_out"]]
    rows += [["not estimated", p["code"], p["name"], p["weighted"], None, "", ""] for p in result["not_costed"]]
    return Table("Selection", ["Selected", "Code", "Project", "Weighted", "Cost", "Must do", "Kept out by"], rows)


def rollup_table(data: Row) -> Table:
    def line(r: Row) -> list:
        return [r["code"], r["name"], r["projects"], r["rag"]["red"], r["rag"]["amber"], r["rag"]["green"],
                r["rag"]["none"], r["milestones"], r["slipping"], r["overdue"], r["budget"], r["estimated"]]
    return Table("Roll-up", ["Programme", "Name", "Open projects", "Red", "Amber", "Green", "No report", "Milestones",
                             "Slipping", "Overdue", "Budget (estimates)", "Projects estimated"],
                 [line(r) for r in data["programmes"]] + [line(data["total"])])
