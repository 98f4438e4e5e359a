"""``pmo audit ...`` and ``pmo ledger ...``: verify, export and copy the ledger.

Verification opens the ledger alone (no read models): a tampered store may not even
project, and an auditor must still learn where it was tampered with.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from events.chain import iter_chain, iter_records, verify_chain
from events.copy import TargetNotEmptyError, copy_beside, copy_ledger
from events.export import export_rows, verify_export, write_export
from events.store import Ledger, parse_store_url
from web.backup_cli import BESIDE


def _ledger(obj) -> Ledger:
    return Ledger(parse_store_url(obj.store))


def _bar(length: int, label: str):
    return click.progressbar(length=max(length, 1), label=label, file=sys.stderr, show_pos=True)


def _position(obj, value: str | None, default: int) -> int:
    """A position (digits) or a date/timestamp turned into one through the log index."""
    if value is None:
        return default
    if value.isdigit():
        return int(value)
    from core.asof import resolve_as_of

    return resolve_as_of(obj.pmo, value)[1] or 0


def _day_start(obj, value: str) -> int:
    from core.asof import parse_as_of, position_at

    moment = parse_as_of(value)
    if len(value.strip()) == 10:  # a date: from the start of that day
        from datetime import timedelta

        moment = moment - timedelta(days=1)
    return position_at(obj.pmo, moment) + 1


@click.group("audit")
def audit() -> None:
    """Verify the ledger's hash chain and signed seals; export it for auditors."""


@audit.command("verify")
@click.option("--export", "export_file", type=click.Path(exists=True, dir_okay=False),
              help="Verify an export file offline instead of the store.")
@click.option("--public-key", help="The public key you were given (base64); default: the one in the file/store.")
@click.option("--org", help="Verify this organisation's ledger (the same as pmo --org SLUG audit verify).")
@click.pass_obj
def verify(obj, export_file: str | None, public_key: str | None, org: str | None) -> None:
    """Check every record against the chain and the seals; name the first bad position."""
    if org:
        from web.orgs.cli import org_store

        obj.store = org_store(org)
    if export_file:
        verdict = verify_export(Path(export_file).read_text(), public_key)
    else:
        ledger = _ledger(obj)
        recorder = ledger.recorder
        head = ledger.max_position()  # records written while this runs are left for the next check
        with _bar(head, "Verifying") as bar:
            last = [0]

            def advance(position: int) -> None:  # called once per page of records
                bar.update(position - last[0])
                last[0] = position

            verdict = verify_chain(iter_records(recorder), iter_chain(recorder), recorder.select_seals(),
                                   public_key or ledger.sealer.public_key_b64, progress=advance, upto=head)
        ledger.close()
    click.echo(str(verdict))
    if not verdict.ok:
        sys.exit(1)


@audit.command("export")
@click.option("--from", "first", help="First position, or a date/ISO timestamp (default: the start).")
@click.option("--to", "last", help="Last position, or a date/ISO timestamp (default: the head).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.pass_obj
def export(obj, first: str | None, last: str | None, fmt: str, output: str | None) -> None:
    """Write records with their chain hashes and the seals, verifiable without the database."""
    ledger = _ledger(obj)
    # A date 'from' includes that day (it starts after the last record of the day before);
    # a date 'to' ends with the last record of its day.
    start = _position(obj, first, 1) if first is None or first.isdigit() else _day_start(obj, first)
    end = _position(obj, last, ledger.max_position())
    if start > end:
        raise click.UsageError(f"nothing to export: from {start} is after to {end}")
    out = open(output, "w", newline="") if output else sys.stdout
    try:
        with _bar(end - start + 1, "Exporting") as bar:
            count = write_export(export_rows(ledger, start, end, progress=lambda _p: bar.update(1)), out, fmt)
    finally:
        if output:
            out.close()
    click.echo(f"exported {count} records ({start}..{end})", err=True)
    ledger.close()


@audit.command("public-key")
@click.pass_obj
def public_key(obj) -> None:
    """Print the seal-verification key to hand to auditors."""
    click.echo(_ledger(obj).sealer.public_key_b64)


@click.group("ledger")
def ledger_group() -> None:
    """Move the whole ledger between stores."""


@ledger_group.command("copy")
@click.option("--to", "target_url", required=True, help="Empty target store URL (postgresql://... or sqlite:///...).")
@click.pass_obj
def copy(obj, target_url: str) -> None:
    """Copy every record into an empty store, rebuild its read models, prove the same chain."""
    from web.tenancy import open_pmo

    source = _ledger(obj)
    target = open_pmo(target_url, obj.extra_plugins, entry_points=obj.entry_points)
    try:
        with _bar(source.max_position(), "Copying records") as bar:
            done = [0]

            def advance(copied: int) -> None:
                bar.update(copied - done[0])
                done[0] = copied

            copy_ledger(source, target.ledger, progress=advance)
        # The people's keys live beside the ledger: carried before the rebuild, which replays
        # erasures (and deletes such a key again).
        copy_beside(source, target.writer_engine, BESIDE)
        with _bar(target.ledger.max_position(), "Building read models") as bar:
            seen = [0]

            def built(n: int, _total: int) -> None:
                bar.update(n - seen[0])
                seen[0] = n

            target.rebuild(progress=built)
        target.catch_up()  # plugins enabled in the copied history now build theirs too
    except TargetNotEmptyError as error:
        raise click.ClickException(f"{error}; copy into a new, empty store") from None
    heads = [verify_chain(iter_records(l.recorder), iter_chain(l.recorder)) for l in (source, target.ledger)]
    if not (heads[0].ok and heads[1].ok and heads[0].head == heads[1].head):
        raise click.ClickException(f"chains differ after copy: {heads[0]} / {heads[1]}")
    click.echo(f"copied {heads[1].checked} records; chain head {heads[1].head} on both")
    target.close()
    source.close()


def register(cli: click.Group) -> None:
    cli.add_command(audit)
    cli.add_command(ledger_group)
