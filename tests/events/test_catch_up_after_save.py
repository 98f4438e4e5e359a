"""The write path's shortcuts change nothing a reader can see.

After a save the runner applies the records just written without reading them back, and
remembers the rows it touched until the next save; another writer moving a position in
between makes it look them up again. Two PMOs on one SQLite file (two processes, as gunicorn
workers are) take turns writing: after every write both read their own writes, and in the
end the read models are the ones a rebuild builds. And a save whose records turn out to be
stored already, byte for byte (a retry after a lost COMMIT answer), is a success, while a
different event at the same version still is a clash.
"""
from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa
from eventsourcing.persistence import IntegrityError

from core.domain.action import Action
from core.projections import actions
from core.services import logs
from events.context import command_context
from web.tenancy import open_pmo


def _tables(pmo) -> dict[str, list[tuple]]:
    """Every read-model row (history included), without the surrogate row ids."""
    out = {}
    with pmo.read() as conn:
        for name in pmo.active_projections():
            for table in pmo.runner.projections[name].metadata.sorted_tables:
                columns = [c for c in table.c if c.name != "row_id"]
                rows = conn.execute(sa.select(*columns)).all()
                out[table.name] = sorted((tuple(map(repr, r)) for r in rows))
    return out


def _field(pmo, action_id, field: str = "title") -> str:
    with pmo.read() as conn:
        return conn.execute(sa.select(actions.c[field]).where(
            actions.c.id == action_id, actions.c.valid_to.is_(None))).scalar_one()


def test_two_writers_read_their_writes_and_match_a_rebuild(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    url = f"sqlite:///{tmp_path}/pmo.sqlite"
    first, second = open_pmo(url, entry_points=False), open_pmo(url, entry_points=False)
    try:
        with command_context("pia", "setup"):
            ids = [logs.assign_action(first, f"A{i}", "pia").id for i in range(4)]
        for n in range(8):
            # Each writer's remembered row of the action goes stale when the other writes it:
            # a stale row would bring the other's title back with the close.
            action_id = ids[n % len(ids)]
            for writer, step in ((first, logs.update_action), (second, logs.update_action),
                                 (first, logs.close_action), (second, logs.reopen_action)):
                with command_context("pia", f"round {n}"):
                    if step is logs.update_action:
                        step(writer, action_id, title=f"{n} by {'first' if writer is first else 'second'}")
                    else:
                        step(writer, action_id)
                if step is logs.close_action:
                    assert _field(first, action_id, "status") == _field(second, action_id, "status") == "done"
                    assert _field(first, action_id) == _field(second, action_id) == f"{n} by second"
        positions = first.runner.positions()
        assert {positions[n] for n in first.active_projections()} == {first.ledger.max_position()}
        before = _tables(first)
        first.rebuild()
        assert _tables(first) == before
    finally:
        first.close()
        second.close()


def test_written_records_are_applied_without_reading_the_log(pmo, monkeypatch):
    with command_context("pia", "setup"):
        action = logs.assign_action(pmo, "Order", "pia")

    def no_reading(*args, **kwargs):
        raise AssertionError("the log was read back after a save")

    monkeypatch.setattr(pmo.ledger, "read_batch", no_reading)
    with command_context("pia", "edit"):
        logs.update_action(pmo, action.id, title="Order more")
    assert _field(pmo, action.id) == "Order more"


def test_records_already_stored_byte_for_byte_are_a_success(pmo):
    with command_context("pia", "setup"):
        action = logs.assign_action(pmo, "Order", "pia")
        loaded = pmo.get(Action, action.id)
        loaded.update(title="Order more")
        retry = copy.deepcopy(loaded)  # the same pending event, as a driver's retry sends it
        head = pmo.ledger.max_position()
        assert pmo.ledger.save(loaded)
        assert pmo.ledger.save(retry) == []  # found stored as it is: written once
        assert pmo.ledger.max_position() == head + 1

        clash = pmo.get(Action, action.id)
        clash.update(title="Theirs")
        taken = pmo.get(Action, action.id)
        taken.update(title="Mine")
        pmo.save(taken)
        with pytest.raises(IntegrityError):
            pmo.ledger.save(clash)
