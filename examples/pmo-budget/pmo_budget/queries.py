"""Reads over the budget read model; ``at`` is a log position (None: now)."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from core.pmo import PMO
from events.temporal import visible
from pmo_budget.projections import costs, projects

Row = dict[str, Any]
HIDDEN = ("row_id", "valid_from", "valid_to")
# Spending at or above this share of the budget is worth a look (amber); above it all, red.
WATCH_SHARE = 0.9


def _with_figures(row: Any) -> Row:
    values = {k: v for k, v in dict(row).items() if k not in HIDDEN}
    amount, actual = values["amount"], values["actual"] or 0
    values["remaining"] = amount - actual if amount is not None else None
    values["spent_pct"] = round(100 * actual / amount) if amount else None
    values["status"] = spending_status(amount, actual)
    return values


def spending_status(amount: int | None, actual: int) -> str:
    """'no budget', 'over' (spent more than the budget), 'watch' (90% or more) or 'within'."""
    if amount is None:
        return "no budget"
    if actual > amount:
        return "over"
    if amount and actual >= WATCH_SHARE * amount:
        return "watch"
    return "within"


def list_budgets(pmo: PMO, at: int | None = None, with_budget_only: bool = False) -> list[Row]:
    """Every project (as of ``at``) with its budget, spending and last reported cost rating."""
    stmt = sa.select(projects).where(visible(projects, at)).order_by(projects.c.code)
    if with_budget_only:
        stmt = stmt.where(projects.c.amount.is_not(None))
    with pmo.read() as conn:
        return [_with_figures(r) for r in conn.execute(stmt).mappings()]


def get_budget(pmo: PMO, key: Any, at: int | None = None) -> Row | None:
    """A project's budget row by project id or code."""
    try:
        cond = projects.c.project_id == uuid.UUID(str(key))
    except ValueError:
        cond = sa.func.lower(projects.c.code) == str(key).lower()
    with pmo.read() as conn:
        row = conn.execute(sa.select(projects).where(visible(projects, at), cond).limit(1)).mappings().first()
    return _with_figures(row) if row else None


def list_costs(pmo: PMO, project_id: uuid.UUID, at: int | None = None) -> list[Row]:
    """The costs recorded against a project, newest first."""
    stmt = (sa.select(costs).where(visible(costs, at), costs.c.project_id == project_id)
            .order_by(costs.c.incurred_on.desc(), costs.c.position.desc()))
    with pmo.read() as conn:
        return [{k: v for k, v in r.items() if k not in HIDDEN} for r in conn.execute(stmt).mappings()]


def totals(rows: list[Row]) -> dict[str, dict[str, int]]:
    """Budget and actual summed per currency, over the rows that have a budget."""
    result: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["amount"] is not None:
            sums = result.setdefault(row["currency"], {"amount": 0, "actual": 0, "projects": 0})
            sums["amount"] += row["amount"]
            sums["actual"] += row["actual"]
            sums["projects"] += 1
    return result
