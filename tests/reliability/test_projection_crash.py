"""kill -9 the projection process mid-rebuild and mid-catch-up: it resumes where it was.

The runner commits each batch of read-model rows with its tracking position in one
transaction, so a killed runner leaves the read models at the end of a whole batch, never
inside one, and the next run carries on from there. The test kills `pmo projections
rebuild` once it has dropped the read models (its replay is then under way), then `pmo
projections run` once it has committed a batch and is inside the next; after each kill the
rows agree with the tracking position. `pmo projections run --once` then finishes, and the
read models must equal a rebuild done in one go.
"""
from __future__ import annotations

import sqlite3
import time

import sqlalchemy as sa

from core.services import logs
from events.context import command_context
from tests.events.test_store_contract import snapshot
from tests.reliability.checks import audit_verifies, tracked_positions
from tests.reliability.server import BIN, Site, kill_group
from web.tenancy import open_pmo

ACTIONS = 2500  # catch-up reads 1,000 events per transaction: a kill finds work still to do


def tracked(db: sqlite3.Connection, names: list[str]) -> dict[str, int]:
    marks = ",".join("?" * len(names))
    rows = db.execute(f"SELECT name, position FROM projection_tracking WHERE name IN ({marks})", names)
    return dict(rows.fetchall())


def kill_when(process, db: sqlite3.Connection, names: list[str], ready) -> dict[str, int]:
    """SIGKILL the process as soon as ``ready(positions)``; returns the positions it had
    committed when it died."""
    deadline = time.monotonic() + 60
    while True:
        positions = tracked(db, names)
        if ready(positions):
            kill_group(process)
            return tracked(db, names)
        assert process.poll() is None, f"the process ended before it could be killed mid-way: {positions}"
        assert time.monotonic() < deadline, f"not ready to kill after 60 s: {positions}"
        time.sleep(0.002)


def test_a_killed_projection_process_resumes_from_its_last_batch(memory_dir, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(memory_dir / "var"))
    site = Site(memory_dir, f"sqlite:///{memory_dir}/pmo.sqlite")
    pmo = open_pmo(site.store_url)
    with command_context("loader", "projection crash test"), pmo.bulk():
        for n in range(ACTIONS):
            logs.assign_action(pmo, f"Action {n}", "owner")
    head = pmo.ledger.max_position()
    names = pmo.active_projections()
    log_table = pmo.log_index.table.name
    pmo.close()
    db = sqlite3.connect(f"{memory_dir}/pmo.sqlite", isolation_level=None)

    def indexed() -> int:
        return db.execute(f"SELECT count(*) FROM {log_table}").fetchone()[0]

    # A rebuild drops the read models and starts again from 0: killed during the replay.
    rebuild = site.spawn([str(BIN / "pmo"), "projections", "rebuild"], "rebuild.log")
    after_rebuild = kill_when(rebuild, db, names, lambda p: set(p.values()) == {0})
    assert set(after_rebuild.values()) == {0} and indexed() == 0, after_rebuild

    # The catch-up process picks up from there: killed once a batch is in, inside the next.
    runner = site.spawn([str(BIN / "pmo"), "projections", "run", "--interval", "0.1"], "run.log")
    after_run = kill_when(runner, db, names, lambda p: all(0 < v < head for v in p.values()))
    (position,) = set(after_run.values())
    assert 0 < position < head and indexed() == position, (after_run, indexed())
    db.close()

    site.pmo("projections", "run", "--once")
    resumed_to = tracked_positions(site.store_url)
    assert {name: resumed_to[name] for name in names} == {name: head for name in names}

    pmo = open_pmo(site.store_url)
    try:
        resumed = snapshot(pmo)
        pmo.rebuild()
        assert snapshot(pmo) == resumed
        with pmo.read() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(pmo.log_index.table)).scalar_one()
        assert count == head
    finally:
        pmo.close()
    audit_verifies(site)
    print(f"\nProjection crash test: {head} events; rebuild killed after dropping the read models, "
          f"catch-up killed at position {position}, resumed to {head}; equal to a fresh rebuild")
