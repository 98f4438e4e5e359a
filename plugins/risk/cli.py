"""``pmo risk ...``: import a CSV or XLSX register, export the register.

    pmo --as saga risk import register.csv --project DIG-01 [--dry-run]
    pmo risk export --format xlsx --output risks.xlsx [--project DIG-01] [--as-of 2026-03-31]

The import is ``pmo import risks FILE`` for one project's or programme's register: rows that
name neither go there (``importer.import_register``). It runs as the CLI's actor (``pmo --as
NAME``): every event it writes is theirs. A bad row makes the command fail (exit 1) after
listing every problem; nothing is written.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from core import queries as core_queries
from core.asof import resolve_as_of
from core.importing import writers
from plugins.risk import importer


@click.group("risk")
def risk() -> None:
    """The risk register: import a CSV register, export it as CSV or XLSX."""


def _target(pmo, project: str | None, programme: str | None) -> importer.Target:
    if project and programme:
        raise click.UsageError("give --project or --programme, not both")
    if project:
        row = core_queries.get_project(pmo, project)
        if row is None:
            raise click.ClickException(f"no project {project!r}")
        return importer.Target("project", row["id"])
    if programme:
        row = next((p for p in core_queries.list_programmes(pmo) if p["code"].lower() == programme.lower()), None)
        if row is None:
            raise click.ClickException(f"no programme {programme!r}")
        return importer.Target("programme", None, row["id"])
    return importer.Target()


@risk.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", default=None, help="Code of the project rows without a 'project' column belong to.")
@click.option("--programme", default=None, help="Code of the programme they belong to instead.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
@click.option("--reason", default=None, help="Why (kept in the ledger; default 'Risk register imported').")
@click.pass_obj
def import_(obj, file: Path, project: str | None, programme: str | None, dry_run: bool, reason: str | None) -> None:
    """Import a CSV or XLSX risk register: all rows, or (one bad row) none."""
    with obj.command(reason, default="Risk register imported") as pmo:
        report = importer.import_register(pmo, file.read_bytes(), _target(pmo, project, programme), dry_run=dry_run,
                                          filename=file.name)
    for error in report.errors:
        click.echo(f"{file.name}: {error}", err=True)
    if not report.ok:
        raise click.ClickException(report.summary())
    click.echo(report.summary())


@risk.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: stdout for CSV; required for XLSX).")
@click.option("--project", default=None, help="Only this project's risks (code).")
@click.option("--status", type=click.Choice(["open", "closed", "materialised", "all"]), default="all",
              show_default=True)
@click.option("--as-of", "as_of", default=None, help="The register as it was then (a date or ISO timestamp).")
@click.pass_obj
def export(obj, fmt: str, output: Path | None, project: str | None, status: str, as_of: str | None) -> None:
    """Export the register as CSV or XLSX."""
    pmo = obj.pmo
    moment, at = resolve_as_of(pmo, as_of)
    filters = {"status": status}
    if project:
        row = core_queries.get_project(pmo, project, at=at)
        if row is None:
            raise click.ClickException(f"no project {project!r}")
        filters["project_id"] = row["id"]
    rows = importer.export_rows(pmo, at, moment.date() if moment else None, **filters)
    body = writers.render(importer.export_table(rows), fmt)
    if fmt == "xlsx" and output is None:
        raise click.UsageError("XLSX needs --output FILE")
    if output is None:
        sys.stdout.write(body.decode("utf-8"))
        return
    output.write_bytes(body)
    click.echo(f"Exported {len(rows)} risk(s) to {output}.", err=True)
