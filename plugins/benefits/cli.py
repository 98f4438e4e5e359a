"""``pmo benefits ...``: list and export the register, record a measurement.

    pmo benefits list [--as-of 2026-03-31] [--at-risk]
    pmo --as saga benefits measure B-001 41.5 [--on 2026-03-31] [--note "..."] [--reason "..."]
    pmo benefits export --format xlsx --output benefits.xlsx [--project DIG-01] [--as-of 2026-03-31]

A measurement is written as the CLI's actor (``pmo --as NAME``) with the reason given. Bad
input (an unknown benefit, a date before the baseline) is one line on stderr and exit 1.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from core import queries as core_queries
from core.asof import resolve_as_of
from core.importing import writers
from plugins.benefits import export as export_table
from plugins.benefits import queries, services


@click.group("benefits")
def benefits() -> None:
    """Benefits realisation: list, measure, export."""


def _find(pmo, ref: str, at: int | None = None) -> dict:
    row = next((b for b in queries.list_benefits(pmo, at) if b["ref"].lower() == ref.lower()), None)
    if row is None:
        raise click.ClickException(f"no benefit {ref!r}")
    return row


@benefits.command("list")
@click.option("--as-of", "as_of", default=None, help="The register as it was then (a date or ISO timestamp).")
@click.option("--at-risk", is_flag=True, help="Only the benefits at risk.")
@click.pass_obj
def list_(obj, as_of: str | None, at_risk: bool) -> None:
    """One line per benefit: reference, state, latest value against the plan."""
    moment, at = resolve_as_of(obj.pmo, as_of)
    rows = queries.list_benefits(obj.pmo, at, moment.date() if moment else None, at_risk=True if at_risk else None)
    for b in rows:
        latest = f"{b['latest_value']:g} on {b['latest_on']}" if b["latest_on"] else "not measured"
        click.echo(f"{b['ref']}\t{b['state']}\t{latest}\tplanned {b['planned_today']:.4g} {b['unit']}\t{b['title']}")
    click.echo(f"{len(rows)} benefit(s).", err=True)


@benefits.command("measure")
@click.argument("ref")
@click.argument("value", type=float)
@click.option("--on", "measured_on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Measured on (default: today).")
@click.option("--note", default="", help="What the value is based on.")
@click.option("--reason", default=None, help="Why (kept in the ledger; default 'Benefit measured').")
@click.pass_obj
def measure(obj, ref: str, value: float, measured_on, note: str, reason: str | None) -> None:
    """Record a measurement of benefit REF."""
    day: date | None = measured_on.date() if measured_on else None
    with obj.command(reason, default="Benefit measured") as pmo:
        services.measure_benefit(pmo, _find(pmo, ref)["id"], value, day, note)
    row = _find(obj.pmo, ref)
    click.echo(f"{row['ref']}: {row['latest_value']:g} {row['unit']} on {row['latest_on']} ({row['state']}).")


@benefits.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: stdout for CSV; required for XLSX).")
@click.option("--project", default=None, help="Only the benefits this project enables (code).")
@click.option("--as-of", "as_of", default=None, help="The register as it was then (a date or ISO timestamp).")
@click.pass_obj
def export(obj, fmt: str, output: Path | None, project: str | None, as_of: str | None) -> None:
    """Export the register as CSV or XLSX."""
    pmo = obj.pmo
    if fmt == "xlsx" and output is None:
        raise click.UsageError("XLSX needs --output FILE")
    moment, at = resolve_as_of(pmo, as_of)
    filters = {}
    if project:
        row = core_queries.get_project(pmo, project, at=at)
        if row is None:
            raise click.ClickException(f"no project {project!r}")
        filters["project_id"] = row["id"]
    rows = queries.list_benefits(pmo, at, moment.date() if moment else None, **filters)
    body = writers.render(export_table.table(rows), fmt)
    if output is None:
        sys.stdout.write(body.decode("utf-8"))
        return
    output.write_bytes(body)
    click.echo(f"Exported {len(rows)} benefit(s) to {output}.", err=True)
