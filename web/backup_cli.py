"""``pmo backup FILE`` and ``pmo restore FILE``: copy the store while it runs, restore it.

A SQLite store is backed up into a SQLite file (the online backup API: one consistent
snapshot while the app writes; the file is itself a working store). A PostgreSQL store is
backed up into a ledger file: every record with its chain hash and the seals (the auditors'
export format), which holds the whole history, and the people's personal-data keys; pg_dump
stays the tool for a copy of the database server itself. Either restores into any empty
store, SQLite or PostgreSQL, keys included.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from events.backup import BackupError, SealKeyError, open_backup, restore_records, take_backup, verify_restored
from events.copy import TargetNotEmptyError, write_beside
from events.store import Ledger, parse_store_url
from plugins.resources.vault import keys_table

# Tables kept beside the ledger, not in it, that a backup, a restore and ``pmo ledger copy``
# carry: without the keys the people's names in a copy could not be read. A key erased in
# the source is a deleted row, so it is not carried; the erasure itself is an event.
BESIDE = (keys_table,)


class _Progress:
    """A progress bar on stderr that opens when the first report says how long the work is."""

    def __init__(self, label: str, after: "_Progress | None" = None):
        self.label = label
        self.after = after  # the stage before this one: its bar ends where this one starts
        self.bar = None
        self.seen = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if self.after is not None:
                self.after.__exit__(None, None, None)
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.seen))
        self.seen = max(self.seen, done)

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
            self.bar = None


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@click.pass_obj
def backup(obj, file: str, overwrite: bool) -> None:
    """Copy the store into FILE while the app may be writing; check the copy."""
    if Path(file).exists() and not overwrite:
        raise click.ClickException(f"{file} exists: choose a new file name, or --overwrite")
    config = parse_store_url(obj.store)
    if config.kind == "sqlite" and not Path(config.eventsourcing_env["SQLITE_DBNAME"]).is_file():
        raise click.ClickException(f"no store at {obj.store}")
    if config.kind == "memory":
        raise click.ClickException("a memory:// store lives only inside its process: nothing to back up")
    ledger = Ledger(config)
    try:
        click.echo(f"Backing up {obj.store} ...", err=True)
        with _Progress("Writing the ledger file") as written, \
                _Progress("Checking the copy", after=written) as checked:
            summary = take_backup(ledger, file, overwrite=overwrite, progress=written, check_progress=checked,
                                  beside=BESIDE)
    except (BackupError, FileExistsError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        ledger.close()
    click.echo(f"Backup {summary}")
    if config.kind != "sqlite":
        click.echo("This file holds the whole ledger (read models are rebuilt on restore). For a copy of "
                   "the PostgreSQL database itself, use pg_dump or the server's base backups.", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--reseal", is_flag=True,
              help="Sign the restored seals with this installation's key (when the original key is lost).")
@click.pass_obj
def restore_command(obj, file: str, reseal: bool) -> None:
    """Restore a backup into this EMPTY store: check it, copy it, rebuild the read models."""
    from web.tenancy import open_pmo

    probe = Ledger(parse_store_url(obj.store))  # refuse a non-empty store before reading the backup
    present = probe.max_position()
    probe.close()
    if present:
        raise click.ClickException(
            f"the store {obj.store} is not empty ({present} records): restore only into an empty store")
    try:
        with _Progress("Checking the backup") as checked:
            source = open_backup(file, progress=checked)
    except BackupError as error:
        raise click.ClickException(f"not restored: {error}") from None
    with source:
        try:
            keys = source.rows_beside(BESIDE)  # read before anything is written: a damaged row writes nothing
        except BackupError as error:
            raise click.ClickException(f"not restored: {error}") from None
        # Opened while still empty: building the read models happens below, with progress.
        pmo = open_pmo(obj.store, obj.extra_plugins, entry_points=obj.entry_points)
        try:
            with _Progress("Restoring records") as copied:
                restore_records(source, pmo.ledger, reseal=reseal, progress=copied)
            with _Progress("Verifying the restored chain") as verified:
                verdict = verify_restored(source, pmo.ledger, progress=verified)
            # Before the rebuild: replaying an erasure deletes its key again, should the backup hold one.
            carried = write_beside(pmo.writer_engine, BESIDE, keys)
            with _Progress("Building read models") as built:
                pmo.rebuild(progress=built)
            pmo.catch_up()  # plugins enabled in the restored history build theirs too
        except (BackupError, TargetNotEmptyError) as error:
            hint = " (--reseal)" if isinstance(error, SealKeyError) else ""
            raise click.ClickException(f"not restored: {error}{hint}") from None
        finally:
            pmo.close()
    click.echo(f"Restored {verdict.checked} records, {len(source.seals)} seals and {carried} personal-data "
               f"key(s) into {obj.store}; "
               f"chain head {verdict.head}, the same as the backup's.")


def register(cli: click.Group) -> None:
    cli.add_command(backup)
    cli.add_command(restore_command)
