"""Which store errors become which answers, from errors SQLite and psycopg really raise.

The fault tests make the store fail under the app; these cover the classification on its
own, including faults no test can cause cheaply (PostgreSQL's disk full) and the layers the
errors come wrapped in (SQLAlchemy for the read models, eventsourcing for the ledger).
"""
from __future__ import annotations

import sqlite3
from contextlib import closing

import eventsourcing.persistence as es
import psycopg
import psycopg.errors
import pytest
import sqlalchemy as sa

from core.projections import plugin_states
from tests.conftest import close_app, make_app
from tests.reliability.server import free_port
from web.store_errors import FULL, LOCKED, READ_ONLY, UNREACHABLE, classify
from web.tenancy import current_pmo


def sqlite_error(tmp_path, *setup: str, statement: str) -> sqlite3.OperationalError:
    """What SQLite raises for ``statement`` on a connection that ran ``setup`` first."""
    with closing(sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None, timeout=0)) as db:
        for line in setup:
            db.execute(line)
        with pytest.raises(sqlite3.OperationalError) as raised:
            db.execute(statement)
        return raised.value


@pytest.fixture(autouse=True)
def table(tmp_path):
    with closing(sqlite3.connect(tmp_path / "s.sqlite")) as db:
        db.execute("CREATE TABLE t (x TEXT)")


def as_the_ledger_raises_it(error: Exception) -> es.OperationalError:
    """eventsourcing's recorders re-raise driver errors as their own, ``from`` the original."""
    try:
        raise es.OperationalError(str(error)) from error
    except es.OperationalError as wrapped:
        return wrapped


def test_sqlite_faults(tmp_path):
    full = sqlite_error(tmp_path, "PRAGMA max_page_count = 2", statement="INSERT INTO t VALUES (zeroblob(100000))")
    assert classify(full) is FULL
    read_only = sqlite_error(tmp_path, "PRAGMA query_only = ON", statement="INSERT INTO t VALUES ('x')")
    assert classify(read_only) is classify(as_the_ledger_raises_it(read_only)) is READ_ONLY

    with closing(sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        locked = sqlite_error(tmp_path, statement="INSERT INTO t VALUES ('x')")
        engine = sa.create_engine(f"sqlite:///{tmp_path}/s.sqlite", connect_args={"timeout": 0})
        with pytest.raises(sa.exc.OperationalError) as through_sqlalchemy, engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t VALUES ('x')"))
        engine.dispose()
    assert classify(locked) is classify(as_the_ledger_raises_it(locked)) is LOCKED
    assert classify(through_sqlalchemy.value) is LOCKED


def test_a_programming_error_is_not_a_store_fault(tmp_path):
    """SQLite raises OperationalError for a missing table too: that is a bug, and stays a 500."""
    missing = sqlite_error(tmp_path, statement="SELECT * FROM no_such_table")
    assert classify(missing) is None


def test_postgresql_faults():
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(host="127.0.0.1", port=free_port(), dbname="x", connect_timeout=2)
    assert classify(refused.value) is classify(as_the_ledger_raises_it(refused.value)) is UNREACHABLE
    # Raised by the server with these SQLSTATEs (53100, 25006, 55P03); made here by hand.
    assert classify(as_the_ledger_raises_it(psycopg.errors.DiskFull("could not extend file"))) is FULL
    assert classify(psycopg.errors.ReadOnlySqlTransaction("read-only transaction")) is READ_ONLY
    assert classify(psycopg.errors.LockNotAvailable("lock timeout")) is LOCKED


def test_an_unrecognised_database_error_is_left_to_flask():
    """Not a fault: the app does not dress it up as a 503 (in tests Flask raises it)."""
    app = make_app()
    try:
        with app.app_context():
            pmo = current_pmo()
            with pmo.writer_engine.begin() as conn:
                plugin_states.drop(conn)  # the sign-in page reads it for the navigation
        with pytest.raises(sa.exc.OperationalError, match="no such table"):
            app.test_client().get("/login")
    finally:
        close_app(app)
