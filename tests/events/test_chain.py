"""Tamper evidence: edit the SQLite file behind the application's back; verify names where."""
import sqlite3

import pytest

from core.services import projects
from events.chain import iter_chain, iter_records, verify_chain
from events.context import command_context
from events.store import Ledger, parse_store_url
from web.tenancy import open_pmo

N = 12


@pytest.fixture
def ledger_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    path = tmp_path / "pmo.sqlite"
    pmo = open_pmo(f"sqlite:///{path}", entry_points=False)
    with command_context("pia", "set up a small ledger"):
        for i in range(N):
            projects.register_project(pmo, code=f"P-{i}", name=f"Project {i}")
    pmo.close()
    return path


def verify(path):
    # The ledger alone: a tampered ledger may not even project, and verifying must not need it.
    ledger = Ledger(parse_store_url(f"sqlite:///{path}"))
    recorder = ledger.recorder
    verdict = verify_chain(iter_records(recorder), iter_chain(recorder), recorder.select_seals(),
                           ledger.sealer.public_key_b64)
    ledger.close()
    return verdict


def tamper(path, *statements):
    with sqlite3.connect(path) as db:
        for sql, params in statements:
            db.execute(sql, params)


def test_a_clean_ledger_verifies(ledger_file):
    verdict = verify(ledger_file)
    assert verdict.ok and verdict.checked == N


def test_a_changed_byte_is_found_at_its_position(ledger_file):
    with sqlite3.connect(ledger_file) as db:
        state = db.execute("SELECT state FROM stored_events WHERE rowid = 5").fetchone()[0]
        changed = state.replace(b"Project 4", b"Project X")
        assert changed != state
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = 5", (changed,))
    verdict = verify(ledger_file)
    assert (verdict.ok, verdict.position) == (False, 5) and "altered" in verdict.problem


def test_a_deleted_record_is_found(ledger_file):
    tamper(ledger_file, ("DELETE FROM stored_events WHERE rowid = 7", ()))
    verdict = verify(ledger_file)
    assert (verdict.ok, verdict.position) == (False, 7) and "deleted" in verdict.problem


def test_an_inserted_record_is_found(ledger_file):
    tamper(ledger_file, ("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                         "VALUES (?, 1, 'core.Project.Registered', ?)", ("0" * 32, b"{}")))
    verdict = verify(ledger_file)
    assert (verdict.ok, verdict.position) == (False, N + 1) and "inserted" in verdict.problem


def test_two_swapped_records_are_found_at_the_first(ledger_file):
    with sqlite3.connect(ledger_file) as db:
        rows = {r[0]: r[1:] for r in db.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events WHERE rowid IN (3, 9)")}
        db.execute("DELETE FROM stored_events WHERE rowid IN (3, 9)")
        for rowid, other in ((3, 9), (9, 3)):
            db.execute("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
                       "VALUES (?, ?, ?, ?, ?)", (rowid, *rows[other]))
    verdict = verify(ledger_file)
    assert (verdict.ok, verdict.position) == (False, 3) and "reordered" in verdict.problem


def test_rewriting_records_and_chain_together_breaks_the_signed_seal(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    path = tmp_path / "pmo.sqlite"
    pmo = open_pmo(f"sqlite:///{path}", entry_points=False)
    with command_context("pia"):
        for i in range(101):
            projects.register_project(pmo, code=f"P-{i}", name=f"Project {i}")
    pmo.close()
    # The forger changes record 50 and recomputes every chain hash after it, but cannot sign.
    from events.chain import GENESIS, record_hash

    with sqlite3.connect(path) as db:
        state = db.execute("SELECT state FROM stored_events WHERE rowid = 50").fetchone()[0]
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = 50", (state.replace(b"Project 49", b"Project Z"),))
        previous = GENESIS
        for rowid, oid, version, topic, state in db.execute(
                "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid").fetchall():
            previous = record_hash(previous, oid, version, topic, bytes(state))
            db.execute("UPDATE ledger_chain SET hash = ? WHERE position = ?", (previous, rowid))
    verdict = verify(path)
    assert not verdict.ok and "seal" in verdict.problem
