"""``pmo import KIND FILE``: a CSV or XLSX file in, all rows or none.

KIND is projects, milestones, actions, or a kind an enabled plugin adds (``import_kinds``:
``risks`` with the risk plugin); an unknown kind is a one-line error naming the others.

    pmo --as saga import projects projects.xlsx --dry-run
    pmo --as saga import actions actions.csv --map "Who=owner" --map "Notes="

The same check and import as the upload page and the API (``core.importing``): every problem
is listed on stderr by row and field and nothing is imported (exit 1); a clean file is
imported in one batch of events by ``--as``, with the file name as the reason (``--reason``
is kept after it). Progress bars show the rows being checked and the read models catching up.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from core.importing import import_sheet, kind_of, read_table
from core.importing.readers import MAX_BYTES


def _headings(pairs: tuple[str, ...]) -> dict[str, str]:
    headings = {}
    for pair in pairs:
        heading, sep, name = pair.rpartition("=")
        if not sep or not heading:
            raise click.UsageError(f"--map takes HEADING=FIELD (or HEADING= to leave a column out), not {pair!r}")
        headings[heading] = name
    return headings


class _Bar:
    """A click progress bar fed with ``(done, total)`` callbacks, opened on the first one."""

    def __init__(self, label: str):
        self.label, self.bar, self.seen = label, None, 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.seen))
        self.seen = max(self.seen, done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("import")
# Not a click.Choice: plugins' kinds depend on what the store has enabled, known only once it is open.
@click.argument("kind", metavar="KIND")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
@click.option("--map", "mappings", multiple=True, metavar="HEADING=FIELD",
              help="Read the column HEADING as FIELD (HEADING= leaves it out); columns are otherwise "
                   "matched by heading. Repeat for more.")
@click.option("--reason", default=None, help="Kept in the ledger after the file name.")
@click.pass_obj
def import_(obj, kind: str, file: Path, dry_run: bool, mappings: tuple[str, ...], reason: str | None) -> None:
    """Import projects, milestones, actions or a plugin's kind (risks) from a CSV or XLSX file: all rows, or none."""
    headings = _headings(mappings)
    kind_of(obj.pmo, kind)  # an unknown kind is refused before the file is read
    with file.open("rb") as handle:
        sheet = read_table(handle.read(MAX_BYTES + 1), file.name)
    checking, catching_up = _Bar(f"Checking {len(sheet.rows)} rows"), _Bar("Updating the read models")
    try:
        with obj.command(reason) as pmo, pmo.bulk(progress=catching_up):
            report = import_sheet(pmo, kind, sheet, file.name, headings=headings, dry_run=dry_run,
                                  progress=checking)
    finally:
        checking.close()
        catching_up.close()
    for error in report.errors:
        click.echo(f"{file.name}: row {error.line}, {error.column}: {error.message}", err=True)
    if not report.ok:
        raise click.ClickException(report.summary())
    if report.mapped:
        click.echo("Columns: " + ", ".join(f"{h} -> {f}" for h, f in report.mapped.items())
                   + (f"; not imported: {', '.join(report.ignored)}" if report.ignored else ""), err=True)
    click.echo(report.summary())


def register(cli: click.Group) -> None:
    cli.add_command(import_)
