"""Replay into a new store: how an organisation outgrows SQLite (and how it can go back).

Records are copied in log order, byte for byte, into an empty store; the target's recorder
chains them as it writes, so an identical chain head proves an identical history.

Some rows live beside the ledger, not in it: not events, not read models, so neither the
copy nor a rebuild recreates them. The people's personal-data keys are such rows (see
``plugins/resources/vault.py``): the ledger holds only sealed values, and erasing a person
is deleting their key. ``copy_beside`` carries such tables to the target. It carries what
the source holds now, so an erased key (a deleted row) stays erased; the caller names the
tables, since this package knows nothing of the plugins that keep them.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent

from events.chain import iter_records
from events.store import Ledger, readmodel_engine

Rows = dict[str, list[dict[str, Any]]]  # a table's name -> its rows (column -> value)


class TargetNotEmptyError(RuntimeError):
    """The target store already holds records; copying would interleave two histories."""


def copy_ledger(source: Ledger, target: Ledger, batch: int = 500, progress=None) -> int:
    if target.max_position():
        raise TargetNotEmptyError("the target store is not empty")
    pending: list[StoredEvent] = []
    copied = 0
    for position, oid, version, topic, state in iter_records(source.recorder, batch=batch):
        pending.append(StoredEvent(originator_id=oid, originator_version=version, topic=topic, state=state))
        if len(pending) == batch:
            copied += _flush(target, pending, copied)
            if progress is not None:
                progress(copied)
    copied += _flush(target, pending, copied)
    if progress is not None:
        progress(copied)
    return copied


def _flush(target: Ledger, pending: list[StoredEvent], copied: int) -> int:
    if not pending:
        return 0
    ids = target.recorder.insert_events(pending)
    # Positions must match the source's, or the chain (which covers positions) would differ.
    if ids is not None and list(ids) != list(range(copied + 1, copied + len(pending) + 1)):
        raise RuntimeError(f"target assigned positions {ids[0]}..{ids[-1]}, expected {copied + 1}..")
    n = len(pending)
    pending.clear()
    return n


# --- tables beside the ledger ---------------------------------------------------------------

def copy_beside(source: Ledger, target: sa.Engine, tables: Iterable[sa.Table]) -> int:
    """Copy the rows of ``tables`` from the source's database into ``target`` (the copy's
    writer engine); returns how many rows were added. Copy the records first: a row read
    after them is one its owner had not erased by then."""
    tables = list(tables)
    return write_beside(target, tables, rows_beside(source, tables))


def rows_beside(ledger: Ledger, tables: Iterable[sa.Table]) -> Rows:
    """The rows of ``tables`` in the ledger's database, on a connection of its own."""
    engine = readmodel_engine(ledger.config)
    try:
        with engine.connect() as conn:
            return read_beside(conn, tables)
    finally:
        engine.dispose()


def read_beside(conn: sa.Connection, tables: Iterable[sa.Table]) -> Rows:
    """Every row of each table that exists here (a store that never had one has no rows)."""
    inspector = sa.inspect(conn)
    rows: Rows = {}
    for table in tables:
        found = inspector.has_table(table.name)
        rows[table.name] = [dict(r) for r in conn.execute(sa.select(table)).mappings()] if found else []
    return rows


def write_beside(target: sa.Engine, tables: Iterable[sa.Table], rows: Rows) -> int:
    """Insert the rows the target lacks (by primary key), creating a missing table; in one
    transaction, so a failure adds none."""
    added = 0
    with target.begin() as conn:
        for table in tables:
            key = list(table.primary_key.columns)
            table.create(conn, checkfirst=True)
            present = {tuple(r) for r in conn.execute(sa.select(*key))}
            missing: dict[tuple, dict[str, Any]] = {}
            for row in rows.get(table.name, []):  # a row given twice (an edited file) is added once
                missing.setdefault(tuple(row[c.name] for c in key), row)
            new = [row for pk, row in missing.items() if pk not in present]
            if new:
                conn.execute(table.insert(), new)
            added += len(new)
    return added
