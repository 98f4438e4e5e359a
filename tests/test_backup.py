"""Backup and restore: a copy taken while the app writes restores into SQLite and PostgreSQL
with the same records, read models, chain and seals; damaged files and full stores are refused."""
from __future__ import annotations

import sqlite3
import threading
from datetime import date, timedelta
from uuid import UUID

import pytest
from click.testing import CliRunner

from core.services import logs, projects, reporting
from events.backup import BackupError, open_backup, take_backup
from events.chain import iter_records
from events.context import command_context
from events.store import Ledger, parse_store_url
from tests.conftest import drop_pg_schema, postgres_store_url
from tests.properties.readmodels import dump, readmodel_tables
from web.cli import make_cli
from web.tenancy import open_pmo


def pmo_cli(*args):
    """Exit code and stdout; errors and progress go to stderr (also in the output)."""
    result = CliRunner().invoke(make_cli(entry_points=False), list(args))
    return result.exit_code, result.output


def pmo_error(*args) -> str:
    """The error of a command that must fail: exit code 1 and one line on stderr."""
    result = CliRunner().invoke(make_cli(entry_points=False), list(args))
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def write_history(pmo, prefix: str, count: int) -> None:
    """A few weeks of a PMO: projects pass gates, report, plan milestones, log decisions and
    actions; some actions are closed, some cancelled."""
    start = date(2026, 1, 5)
    for i in range(count):
        with command_context(("pia", "bo", "saga")[i % 3], f"week {i}"):
            project = projects.register_project(pmo, code=f"{prefix}-{i}", name=f"Project {i}", manager="bo")
            projects.move_project_to_stage(pmo, project.id, "proposed", "business case accepted")
            reporting.submit_status_report(
                pmo, project.id, period_start=start, period_end=start + timedelta(days=27),
                overall=("green", "amber", "red")[i % 3], schedule="green", cost="amber", scope="green",
                progress_pct=i % 100)
            milestone = reporting.plan_milestone(pmo, project.id, "Go-live", start + timedelta(days=90 + i))
            reporting.reforecast_milestone(pmo, milestone.id, start + timedelta(days=100 + i))
            logs.record_decision(pmo, f"Decision {i}", "go ahead", "board", start, project_id=project.id)
            action = logs.assign_action(pmo, f"Action {i}", "bo", start + timedelta(days=i), project_id=project.id)
            if i % 2:
                logs.close_action(pmo, action.id, "done")
            else:
                logs.cancel_action(pmo, action.id, "not needed")


def stored(ledger: Ledger, upto: int | None = None) -> list[tuple]:
    """The records as (originator id, version, topic, state); ids as UUIDs on every store."""
    return [(UUID(str(oid)), version, topic, state) for position, oid, version, topic, state
            in iter_records(ledger.recorder) if upto is None or position <= upto]


def stored_at(url: str) -> list[tuple]:
    ledger = Ledger(parse_store_url(url))
    try:
        return stored(ledger)
    finally:
        ledger.close()


# One signing key for the module's stores (another installation is given another one).
AUDIT_KEY = "dGhlIHRlc3RzJyBpbnN0YWxsYXRpb24ga2V5IDMyIGI="


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A SQLite store with 12 weeks of history (over a hundred records: a seal included),
    written once for the module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PMO_AUDIT_KEY", AUDIT_KEY)
        path = tmp_path_factory.mktemp("template") / "source.sqlite"
        pmo = open_pmo(f"sqlite:///{path}", entry_points=False)
        write_history(pmo, "P", 12)
        pmo.close()
    return path


@pytest.fixture
def source(template, tmp_path, monkeypatch):
    """A copy of the template store for one test."""
    monkeypatch.setenv("PMO_AUDIT_KEY", AUDIT_KEY)
    path = tmp_path / "source.sqlite"
    with sqlite3.connect(template) as original, sqlite3.connect(path) as copy:
        original.backup(copy)
    return f"sqlite:///{path}"


def test_a_backup_taken_during_writes_restores_into_sqlite_and_postgresql(source, tmp_path):
    # The app keeps writing (its own connection, another thread) while the backup is taken.
    written, stop, failures = [0], threading.Event(), []

    def writer():
        app_pmo = open_pmo(source, entry_points=False)
        try:
            while not stop.is_set():
                write_history(app_pmo, f"W{written[0]}", 1)
                written[0] += 1
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            app_pmo.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 2 and thread.is_alive():
            stop.wait(0.01)
        backup = tmp_path / "backup.sqlite"
        code, out = pmo_cli("--store", source, "backup", str(backup))
        assert code == 0, out
        after_backup = written[0]
        while written[0] < after_backup + 2 and thread.is_alive():
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    assert not failures

    with open_backup(backup) as taken:
        n = taken.records
    original = open_pmo(source, entry_points=False)
    # The writes after the backup are not in it; the ones before are, in the same order.
    assert 0 < n < original.ledger.max_position()
    assert "seals" in out and f"{n} records" in out

    pg = postgres_store_url()
    try:
        for target in (f"sqlite:///{tmp_path}/restored.sqlite", pg):
            code, out = pmo_cli("--store", target, "restore", str(backup))
            assert code == 0, out
            assert f"Restored {n} records" in out
            code, out = pmo_cli("--store", target, "audit", "verify")
            assert code == 0 and f"OK: {n} records" in out, out
            restored = open_pmo(target, entry_points=False)
            try:
                assert stored(restored.ledger) == stored(original.ledger, upto=n)
                tables = readmodel_tables(original)
                assert dump(restored.engine, tables) == dump(original.engine, tables, upto=n)
            finally:
                restored.close()

        # A PostgreSQL store backs up into a ledger file, which restores into SQLite.
        ledger_file = tmp_path / "pg-backup.jsonl"
        code, out = pmo_cli("--store", pg, "backup", str(ledger_file))
        assert code == 0 and "ledger file" in out, out
        back = f"sqlite:///{tmp_path}/back.sqlite"
        code, out = pmo_cli("--store", back, "restore", str(ledger_file))
        assert code == 0, out
        code, out = pmo_cli("--store", back, "audit", "verify")
        assert code == 0 and f"OK: {n} records" in out, out
    finally:
        original.close()
        drop_pg_schema(pg)


def test_restore_refuses_a_store_that_holds_records(source, tmp_path):
    backup = tmp_path / "backup.sqlite"
    assert pmo_cli("--store", source, "backup", str(backup))[0] == 0
    before = stored_at(source)
    assert "not empty" in pmo_error("--store", source, "restore", str(backup))
    assert stored_at(source) == before


def test_backup_does_not_overwrite_a_file_unless_told(source, tmp_path):
    backup = tmp_path / "backup.sqlite"
    backup.write_text("yesterday's backup")
    assert "exists" in pmo_error("--store", source, "backup", str(backup))
    assert backup.read_text() == "yesterday's backup"
    code, out = pmo_cli("--store", source, "backup", "--overwrite", str(backup))
    assert code == 0, out
    with open_backup(backup) as taken:
        assert taken.records > 100


def _alter_record(path):
    with sqlite3.connect(path) as db:
        state = db.execute("SELECT state FROM stored_events WHERE rowid = 42").fetchone()[0]
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = 42", (state.replace(b'"', b"'", 1),))


def _delete_last_records(path):
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM stored_events WHERE rowid > 100")
        db.execute("DELETE FROM ledger_chain WHERE position > 100")


def _overwrite_a_page(path):
    """Garbage over the first page of the records' table, as a failing disk might leave it."""
    with sqlite3.connect(path) as db:
        page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'stored_events'").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[(page - 1) * size:page * size] = b"\xa5" * size
    path.write_bytes(bytes(data))


def _truncate(path):
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 3])


def _edit_ledger_file(path):
    path.write_text(path.read_text().replace("Project 3", "Project 9", 1))


def _drop_a_line(path):
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:10] + lines[11:]))


def _not_a_backup(path):
    path.write_text("name,stage\nP-1,active\n")


@pytest.mark.parametrize("fmt, damage, message", [
    ("sqlite", _alter_record, "FAILED at position 42"),
    ("sqlite", _delete_last_records, "records missing"),
    ("sqlite", _overwrite_a_page, "damaged"),
    ("sqlite", _truncate, "damaged"),
    ("ledger", _edit_ledger_file, "record altered"),
    ("ledger", _drop_a_line, "damaged"),
    ("ledger", _not_a_backup, "not a PMO Ledger backup"),
])
def test_a_damaged_backup_is_refused_and_nothing_is_written(source, tmp_path, fmt, damage, message):
    if fmt == "sqlite":
        ledger = Ledger(parse_store_url(source))
        backup = take_backup(ledger, tmp_path / "backup.sqlite").path
        ledger.close()
    else:  # the ledger file that PostgreSQL and memory stores back up into
        backup = tmp_path / "backup.jsonl"
        code, out = pmo_cli("--store", source, "audit", "export", "-o", str(backup))
        assert code == 0, out
    damage(backup)
    target = f"sqlite:///{tmp_path}/target.sqlite"
    error = pmo_error("--store", target, "restore", str(backup))
    assert error.startswith("Error: not restored:") and message in error
    with pytest.raises(BackupError):
        open_backup(backup)
    assert stored_at(target) == []


def test_a_partial_export_is_not_a_backup(source, tmp_path):
    export = tmp_path / "part.jsonl"
    assert pmo_cli("--store", source, "audit", "export", "--from", "10", "-o", str(export))[0] == 0
    assert "not of the whole ledger" in pmo_error("--store", f"sqlite:///{tmp_path}/target.sqlite", "restore",
                                                  str(export))


def test_seals_of_another_key_are_refused_unless_resealed(source, tmp_path, monkeypatch):
    backup = tmp_path / "backup.sqlite"
    assert pmo_cli("--store", source, "backup", str(backup))[0] == 0
    # Another installation, with another signing key.
    monkeypatch.setenv("PMO_AUDIT_KEY", "Zm9yIHRlc3RzIG9ubHk6IGEgMzItYnl0ZSBzZWVkISE=")
    target = f"sqlite:///{tmp_path}/elsewhere.sqlite"
    error = pmo_error("--store", target, "restore", str(backup))
    assert "PMO_AUDIT_KEY" in error and "--reseal" in error
    code, out = pmo_cli("--store", target, "restore", "--reseal", str(backup))
    assert code == 0, out
    code, out = pmo_cli("--store", target, "audit", "verify")
    assert code == 0 and "OK: " in out, out


# --- the people's personal-data keys ------------------------------------------------------

def write_people(url: str) -> tuple[UUID, UUID]:
    """Anna and Bo registered, Anna forgotten (her key destroyed): returns their ids."""
    from core.services import plugins
    from plugins.resources import services

    pmo = open_pmo(url, entry_points=False)
    try:
        with command_context("admin", "resource planning"):
            plugins.enable_plugin(pmo, "resources")
        with command_context("saga", "hiring"):
            anna = services.register_person(pmo, "Anna Berg", "anna@example.org", "Business analyst", "Digital", 32.0)
            bo = services.register_person(pmo, "Bo Ek", "bo@example.org", "Developer", "IT", 40.0)
        with command_context("admin", "erasure request 2026-14"):
            services.forget_person(pmo, anna.id)
        return anna.id, bo.id
    finally:
        pmo.close()


def assert_names(url: str, anna: UUID, bo: UUID) -> None:
    """Bo's name reads back; Anna stays forgotten: no name, and no key that could open one."""
    from plugins.resources import queries, vault

    pmo = open_pmo(url, entry_points=False)
    try:
        assert queries.get_person(pmo, bo)["name"] == "Bo Ek"
        assert queries.get_person(pmo, anna)["name"] == vault.FORGOTTEN
        assert set(vault.keyring(pmo)) == {bo}
    finally:
        pmo.close()


@pytest.fixture
def people(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_AUDIT_KEY", AUDIT_KEY)
    url = f"sqlite:///{tmp_path}/people.sqlite"
    return url, *write_people(url)


def test_a_restored_sqlite_backup_reads_the_names_and_keeps_erasures(people, tmp_path):
    url, anna, bo = people
    backup = tmp_path / "backup.sqlite"
    assert pmo_cli("--store", url, "backup", str(backup))[0] == 0
    target = f"sqlite:///{tmp_path}/restored.sqlite"
    code, out = pmo_cli("--store", target, "restore", str(backup))
    assert code == 0 and "1 personal-data key(s)" in out, out
    assert_names(target, anna, bo)

    # Even a backup that still holds a forgotten person's key (one that outlived her erasure)
    # restores her as forgotten: replaying the erasure deletes the key again.
    with sqlite3.connect(backup) as db:
        db.execute("INSERT INTO resources_person_keys VALUES (?, ?, '2026-01-05 00:00:00.000000')",
                   (anna.hex, bytes(32)))
    again = f"sqlite:///{tmp_path}/again.sqlite"
    code, out = pmo_cli("--store", again, "restore", str(backup))
    assert code == 0 and "2 personal-data key(s)" in out, out  # both carried, then hers deleted again
    assert_names(again, anna, bo)


@pytest.mark.postgres
def test_keys_travel_through_postgresql_and_its_ledger_file(people, tmp_path):
    url, anna, bo = people
    backup = tmp_path / "backup.sqlite"
    assert pmo_cli("--store", url, "backup", str(backup))[0] == 0
    pg = postgres_store_url()
    try:
        code, out = pmo_cli("--store", pg, "restore", str(backup))
        assert code == 0, out
        assert_names(pg, anna, bo)

        # PostgreSQL backs up into a ledger file: Bo's key is in it, Anna's is not.
        ledger_file = tmp_path / "pg-backup.jsonl"
        code, out = pmo_cli("--store", pg, "backup", str(ledger_file))
        assert code == 0 and "ledger file" in out, out
        text = ledger_file.read_text()
        assert str(bo) in text.split('"kind":"beside"', 1)[1] and f'"person_id":"{anna}"' not in text
        assert "Bo Ek" not in text  # names are sealed; only the key opens them
        code, out = pmo_cli("--store", "memory://", "audit", "verify", "--export", str(ledger_file))
        assert code == 0 and out.startswith("OK"), out  # the auditors' check passes over the keys
        back = f"sqlite:///{tmp_path}/back.sqlite"
        code, out = pmo_cli("--store", back, "restore", str(ledger_file))
        assert code == 0 and "1 personal-data key(s)" in out, out
        assert_names(back, anna, bo)
        code, out = pmo_cli("--store", back, "audit", "verify")
        assert code == 0 and "OK: " in out, out

        # A damaged key line refuses the file before anything is written.
        ledger_file.write_text(text.replace(f'"person_id":"{bo}"', '"person_id":"not an id"'))
        empty = f"sqlite:///{tmp_path}/empty.sqlite"
        assert "not restored" in pmo_error("--store", empty, "restore", str(ledger_file))
        assert stored_at(empty) == []
    finally:
        drop_pg_schema(pg)
