"""What the plugin shows on others' pages: the project page's panel, the dashboard's widget,
the printed status report's section, and the hint on the status report form."""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

from pmo_budget import queries


def _figures(row: dict) -> Markup:
    return Markup("<p>{amount:,} {currency} budget, {actual:,} spent ({pct}%), {remaining:,} remaining.</p>").format(
        amount=row["amount"], currency=row["currency"], actual=row["actual"], pct=row["spent_pct"],
        remaining=row["remaining"])


def project_panel(pmo: Any, project: dict, at: int | None, link: str) -> dict | None:
    row = queries.get_budget(pmo, project["id"], at)
    if row is None:
        return None
    if row["amount"] is None:
        body = Markup('<p>No budget set. <a href="{}">Budget</a></p>').format(link)
    else:
        body = _figures(row) + Markup('<p><a href="{}">Budget and costs</a></p>').format(link)
    return {"title": "Budget", "html": body, "prominent": row["status"] == "over"}


def dashboard_widget(pmo: Any, at: int | None, link: str) -> dict:
    rows = queries.list_budgets(pmo, at, with_budget_only=True)
    over = [r for r in rows if r["status"] == "over"]
    lines = Markup("").join(
        Markup("<li>{currency}: {actual:,} spent of {amount:,} over {n} projects</li>").format(
            currency=c, actual=s["actual"], amount=s["amount"], n=s["projects"])
        for c, s in sorted(queries.totals(rows).items()))
    warning = Markup("<p><strong>{n} over budget:</strong> {codes}</p>").format(
        n=len(over), codes=", ".join(r["code"] for r in over)) if over else Markup("")
    empty = Markup("<p>No budgets set yet.</p>") if not rows else Markup("")
    return {"title": "Budgets", "html": Markup("{}<ul>{}</ul>{}<p><a href=\"{}\">Budget vs actuals</a></p>").format(
        empty, lines, warning, link)}


def report_section(pmo: Any, project: dict, at: int | None) -> dict | None:
    """For paper: figures only, no links."""
    row = queries.get_budget(pmo, project["id"], at)
    if row is None or row["amount"] is None:
        return None
    return {"title": "Budget", "html": _figures(row)}


def status_hint(pmo: Any, project: dict, at: int | None) -> dict | None:
    """Spending over the budget suggests red for cost, 90% or more of it amber."""
    row = queries.get_budget(pmo, project["id"], at)
    if row is None or row["status"] not in ("over", "watch"):
        return None
    said = f"{row['actual']:,} of the {row['amount']:,} {row['currency']} budget is spent ({row['spent_pct']}%)"
    return {"rag": "red" if row["status"] == "over" else "amber", "reasons": [f"Budget: {said}."]}
