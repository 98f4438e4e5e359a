"""``pmo budget ...``: the register on the command line.

A plugin's command reaches the store through the click context object (never ``web``):
``obj.pmo`` is the PMO, ``with obj.command("why") as pmo:`` runs a change as ``--as``.
"""
from __future__ import annotations

from datetime import date

import click

from core import queries as core_queries
from core.asof import resolve_as_of
from core.domain.errors import NotFoundError
from pmo_budget import queries, services


def _project(pmo, code: str) -> dict:
    project = core_queries.get_project(pmo, code)
    if project is None:
        raise NotFoundError(f"no project {code!r}")
    return project


@click.group("budget")
def budget() -> None:
    """Budget vs actuals per project (the pmo-budget plugin)."""


@budget.command("list")
@click.option("--as-of", "as_of", default=None, help="A date or ISO timestamp: the register as it was then.")
@click.pass_obj
def list_budgets(obj, as_of: str | None) -> None:
    """Every project with its budget, what is spent and the last reported cost rating."""
    at = resolve_as_of(obj.pmo, as_of)[1]
    rows = queries.list_budgets(obj.pmo, at)
    if not rows:
        click.echo("No projects.")
        return
    width = max(len(r["code"]) for r in rows)
    for r in rows:
        if r["amount"] is None:
            figures = "no budget"
        else:
            figures = (f"{r['amount']:>12,} {r['currency']}  spent {r['actual']:>12,}  "
                       f"({r['spent_pct']}%, {r['status']})")
        click.echo(f"{r['code']:<{width}}  {figures}  cost {r['cost_rag'] or '-'}")


@budget.command("set")
@click.argument("code")
@click.argument("amount", type=int)
@click.option("--currency", default="EUR", show_default=True)
@click.option("--reason", default=None, help="Why (kept in the ledger).")
@click.pass_obj
def set_budget(obj, code: str, amount: int, currency: str, reason: str | None) -> None:
    """Set (or revise) the budget of project CODE, in whole currency units."""
    with obj.command(reason, default="pmo budget set") as pmo:
        budget = services.set_budget(pmo, _project(pmo, code)["id"], amount, currency.upper())
    click.echo(f"Budget of {code}: {budget.amount:,} {budget.currency}.")


@budget.command("cost")
@click.argument("code")
@click.argument("amount", type=int)
@click.option("--on", "incurred_on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="When it was incurred (default: today).")
@click.option("--description", required=True, help="What it was for.")
@click.option("--reason", default=None, help="Why (kept in the ledger).")
@click.pass_obj
def record_cost(obj, code: str, amount: int, incurred_on, description: str, reason: str | None) -> None:
    """Record a cost of AMOUNT against the budget of project CODE (negative: a credit)."""
    day = incurred_on.date() if incurred_on else date.today()
    with obj.command(reason, default="pmo budget cost") as pmo:
        budget = services.record_cost(pmo, _project(pmo, code)["id"], amount, day, description)
    click.echo(f"Cost recorded on {code}: spent {budget.actual:,} of {budget.amount:,} {budget.currency}.")
