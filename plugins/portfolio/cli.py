"""``pmo portfolio ...``: the ranking and the selection on the command line.

    pmo portfolio ranking [--as-of 2026-03-31]
    pmo portfolio select [--budget 5000000] [--as-of 2026-03-31]
    pmo --as saga portfolio weight VALUE 40 --reason "..."

Bad input is one line on stderr and exit 1.
"""
from __future__ import annotations

import click

from core.asof import resolve_as_of
from core.domain.errors import DomainError
from plugins.portfolio import queries, services


@click.group("portfolio")
def portfolio() -> None:
    """Portfolio prioritisation: ranking, selection, weights."""


def _at(obj, as_of: str | None) -> int | None:
    try:
        return resolve_as_of(obj.pmo, as_of)[1]
    except DomainError as error:
        raise click.ClickException(f"--as-of: {error.message}") from None


@portfolio.command("ranking")
@click.option("--as-of", "as_of", default=None, help="The ranking as it was then (a date or ISO timestamp).")
@click.pass_obj
def ranking(obj, as_of: str | None) -> None:
    """One line per project: rank, weighted score, cost, code and name."""
    rows = queries.ranking(obj.pmo, _at(obj, as_of))
    for r in rows:
        cost = f"{r['cost']:,.0f}" if r["cost"] is not None else "-"
        click.echo(f"{r['rank']}\t{r['weighted']:.2f}\t{cost}\t{r['code']}\t{r['name']}")
    click.echo(f"{len(rows)} project(s).", err=True)


@portfolio.command("select")
@click.option("--budget", type=click.FloatRange(0, 1e12), default=None, help="Try another budget.")
@click.option("--as-of", "as_of", default=None, help="Select as the portfolio was then.")
@click.pass_obj
def select(obj, budget: float | None, as_of: str | None) -> None:
    """The exact best set within the budget and capacities; what is in, out, and what binds."""
    r = queries.choose(obj.pmo, _at(obj, as_of), budget)
    if not r["feasible"]:
        raise click.ClickException(f"the must-do projects alone exceed: {', '.join(r['exceeded_by_must_dos'])}")
    for p in r["chosen"]:
        click.echo(f"in\t{p['code']}\t{p['weighted']:.2f}\t{p['cost']:,.0f}")
    for p in r["left_out"]:
        click.echo(f"out\t{p['code']}\t{p['weighted']:.2f}\t{p['cost']:,.0f}\t{', '.join(p['blocked_by'])}")
    click.echo(f"value {r['value']:.2f}, cost {r['cost']:,.0f}; binding: {', '.join(r['binding']) or 'none'}")


@portfolio.command("weight")
@click.argument("ref")
@click.argument("weight", type=click.FloatRange(0, 100))
@click.option("--reason", default="", help="Why the weight changes (kept in the ledger).")
@click.pass_obj
def weight(obj, ref: str, weight: float, reason: str) -> None:
    """Give criterion REF a new weight (re-ranks every project)."""
    row = next((c for c in queries.list_criteria(obj.pmo) if c["ref"].lower() == ref.lower()), None)
    if row is None:
        raise click.ClickException(f"no criterion {ref!r}")
    with obj.command(reason) as pmo:
        services.change_criterion(pmo, row["id"], weight=weight)
    click.echo(f"{row['ref']}: weight {row['weight']:g} -> {weight:g}")
