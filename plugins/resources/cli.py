"""``pmo people ...``: list, register, forget, import, export, over-allocations, key copy.

    pmo people list [--role R] [--as-of DATE]
    pmo --as saga people add "Anna Berg" --email anna@example.org --role "business analyst"
    pmo --as admin people forget anna@example.org --reason "erasure request 2026-14"
    pmo --as saga people import people.xlsx [--kind allocations] [--dry-run]
    pmo people export [--what allocations] [--format xlsx] [-o FILE] [--as-of DATE]
    pmo people warnings [--start 2026-05] [--months 3]
    pmo people copy-keys --to URL      (after ``pmo ledger copy``: the keys are not in the ledger)

A person is named by their email or id. Every change runs as the CLI's actor (``--as``).
A bad row makes ``import`` fail (exit 1) after listing every problem; nothing is written.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from core.asof import resolve_as_of
from core.importing.readers import FileRefused
from core.importing.writers import Table, render
from events.store import parse_store_url, readmodel_engine
from plugins.resources import capacity as cap
from plugins.resources import importer, queries, services, vault, workload


@click.group("people")
def people() -> None:
    """Resources and HR: people, their allocations, forgetting a person."""


def _person(pmo, key: str) -> dict:
    row = queries.find_person(pmo, key)
    if row is None:
        raise click.ClickException(f"no person {key!r} (give their email or id)")
    return row


@people.command("list")
@click.option("--role", default=None)
@click.option("--as-of", "as_of", default=None, help="As it was then (a date or ISO timestamp).")
@click.pass_obj
def list_(obj, role: str | None, as_of: str | None) -> None:
    """Everyone, by name: email, role, department, hours a week."""
    _moment, at = resolve_as_of(obj.pmo, as_of)
    for p in queries.list_people(obj.pmo, at, role=role):
        click.echo(f"{p['name']}\t{p['email'] or '-'}\t{p['role']}\t{p['department'] or '-'}\t{p['hours_per_week']:g}")


@people.command("add")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--role", required=True)
@click.option("--department", default="")
@click.option("--hours", "hours", type=float, default=40.0, show_default=True, help="Contracted hours per week.")
@click.option("--reason", default=None, help="Why (kept in the ledger).")
@click.pass_obj
def add(obj, name: str, email: str, role: str, department: str, hours: float, reason: str | None) -> None:
    """Register a person; their name and email are sealed with a key of their own."""
    with obj.command(reason, default="Person registered") as pmo:
        person = services.register_person(pmo, name, email, role, department, hours)
    click.echo(person.id)


@people.command("forget")
@click.argument("person")
@click.option("--reason", required=True, help="Why (kept in the ledger); not the person's name.")
@click.pass_obj
def forget(obj, person: str, reason: str) -> None:
    """Forget PERSON (email or id): destroy their key, so that their personal data in every event,
    read model and export can no longer be read. The rest of history stays and verifies."""
    row = _person(obj.pmo, person)
    with obj.command(reason) as pmo:
        services.forget_person(pmo, row["id"])
    click.echo(f"Forgotten: person {row['id']}. Their personal data can no longer be read.")


@people.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(importer.KINDS), default="people", show_default=True,
              help="A people list, or an allocation sheet.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
@click.option("--reason", default=None, help="Why (kept in the ledger, after the file's name).")
@click.pass_obj
def import_(obj, file: Path, kind: str, dry_run: bool, reason: str | None) -> None:
    """Import a CSV or XLSX people list or allocation sheet: all rows, or (one bad row) none."""
    with obj.command(reason) as pmo:
        try:
            report = importer.import_file(pmo, kind, file.read_bytes(), file.name, dry_run=dry_run)
        except FileRefused as error:
            raise click.ClickException(f"{file.name}: {error.message}") from None
    for error in report.errors:
        click.echo(f"{file.name}: {error}", err=True)
    if not report.ok:
        raise click.ClickException(report.summary())
    for line in importer.warnings(obj.pmo, report):
        click.echo(f"warning: {line}", err=True)
    click.echo(report.summary())


@people.command("export")
@click.option("--what", type=click.Choice(["people", "allocations"]), default="people", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: stdout for CSV; required for XLSX).")
@click.option("--as-of", "as_of", default=None, help="As it was then (a date or ISO timestamp).")
@click.pass_obj
def export(obj, what: str, fmt: str, output: Path | None, as_of: str | None) -> None:
    """Export the people list or the allocations (forgotten people appear as such)."""
    _moment, at = resolve_as_of(obj.pmo, as_of)
    if what == "people":
        rows = queries.list_people(obj.pmo, at)
        table = Table("People", ["name", "email", "role", "department", "hours_per_week", "forgotten"], [
            [r["name"], r["email"], r["role"], r["department"], r["hours_per_week"], r["forgotten"]] for r in rows])
    else:
        rows = queries.list_allocations(obj.pmo, at, status="all")
        table = Table("Allocations", ["person", "project", "start_date", "end_date", "percent", "hours_per_month",
                                      "status"], [[r["person_name"], r["project_code"], r["start_date"], r["end_date"],
                                                   r["percent"], r["hours_per_month"], r["status"]] for r in rows])
    data = render(table, fmt)
    if output is None:
        if fmt == "xlsx":
            raise click.UsageError("XLSX needs --output FILE")
        sys.stdout.write(data.decode("utf-8"))
        return
    output.write_bytes(data)
    click.echo(f"Exported {len(rows)} {what} to {output}.", err=True)


@people.command("warnings")
@click.option("--start", default=None, help="First month, YYYY-MM (default: this month).")
@click.option("--months", type=click.IntRange(1, 36), default=3, show_default=True)
@click.option("--as-of", "as_of", default=None, help="As it was then (a date or ISO timestamp).")
@click.pass_obj
def warnings(obj, start: str | None, months: int, as_of: str | None) -> None:
    """People booked beyond their capacity, month by month, with the projects that book them."""
    moment, at = resolve_as_of(obj.pmo, as_of)
    try:
        first = date.fromisoformat(f"{start}-01") if start else cap.month_start(moment.date() if moment else date.today())
    except ValueError:
        raise click.BadParameter("write the month as YYYY-MM", param_hint="--start") from None
    found = workload.over_allocations(obj.pmo, at, cap.months(first, months))
    for w in found:
        click.echo(workload.describe(w))
    click.echo(f"{len(found)} over-allocated person-month(s).", err=True)


@people.command("copy-keys")
@click.option("--to", "target_url", required=True, help="The store the ledger was copied to.")
@click.pass_obj
def copy_keys(obj, target_url: str) -> None:
    """Copy the people's keys to a store made by ``pmo ledger copy`` (which copies events only)."""
    engine = readmodel_engine(parse_store_url(target_url), writer=True)
    try:
        copied = vault.copy_keys(obj.pmo, engine)
    finally:
        engine.dispose()
    click.echo(f"Copied {copied} key(s).")
