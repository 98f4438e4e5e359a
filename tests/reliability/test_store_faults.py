"""A locked, full or read-only store: a clear answer, no 500, no damage, and a write that
succeeds once the fault is gone.

Each test runs the app on a SQLite file, makes the store fail, and writes through the API
(problem+json) and through the form a person would use (an error page), then lifts the
fault and writes again. Afterwards the file passes SQLite's integrity check, `pmo audit
verify` says OK, the refused attempts left nothing in the ledger, and the read models equal
a rebuild. The answers (web/store_errors.py): locked 503 + Retry-After; full 507; read-only
503 + Retry-After.

How each fault is made:
- locked: another process holds ``BEGIN EXCLUSIVE`` on the file (the app waits
  ``PMO_SQLITE_TIMEOUT``, 1 s here, for the lock).
- full: the store lives on a 16 MB tmpfs that a filler file has filled (needs root to mount);
  everywhere, SQLite's ``max_page_count`` on the app's connections stands in for it.
- read-only: the store's files are made immutable (``chattr +i``: even root cannot write
  them, and it bites on files the app already has open, as a filesystem remounted read-only
  after an error would; needs root, skipped without). There is no stand-in: an app cannot
  start on a store it cannot write (opening it creates missing tables and catches the read
  models up), and the mapping of SQLite's read-only error is checked in
  test_store_error_mapping.py.
The stand-in needs the app restarted to lift the fault (the pragma lives in its
connections); the real faults are lifted under the running app.
"""
from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.services import users
from events.context import command_context
from tests.conftest import auth, close_app, csrf_token_from, login, make_app
from tests.events.test_store_contract import snapshot
from web.cli import make_cli
from web.tenancy import current_pmo

PASSWORD = "writer-password-1"
OWNER = "fault-test"
BIG = "x" * 20_000  # the longest description the API takes: the write needs new pages


class FaultySite:
    """A SQLite store with a writer (role pmo) who uses the API and the forms."""

    def __init__(self, folder: Path):
        self.path = folder / "pmo.sqlite"
        self.url = f"sqlite:///{self.path}"
        self.app = make_app(self.url)
        with self.app.app_context(), command_context("setup", "store fault test"):
            user = users.create_user(current_pmo(), "writer", PASSWORD, "pmo", display_name="Writer")
            _token_id, self.token = users.issue_token(current_pmo(), user.id, "fault test")
        self.api = self.app.test_client()
        self.browser = self.app.test_client()
        login(self.browser, "writer", PASSWORD)

    def restart(self) -> None:
        """Close every connection and start the app again, as an operator restarts it."""
        close_app(self.app)
        self.app = make_app(self.url)
        self.api = self.app.test_client()
        self.browser = self.app.test_client()
        login(self.browser, "writer", PASSWORD)

    def close(self) -> None:
        close_app(self.app)

    def write_api(self, title: str):
        return self.api.post("/api/actions", json={"title": title, "owner": OWNER, "description": BIG},
                             headers=auth(self.token))

    def write_form(self, title: str):
        page = self.browser.get("/actions/new")
        assert page.status_code == 200
        return self.browser.post("/actions/new", data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)), "project_id": "", "title": title,
            "owner": OWNER, "due_date": "", "description": BIG, "version": ""})

    def titles(self) -> list[str]:
        response = self.api.get(f"/api/actions?owner={OWNER}", headers=auth(self.token))
        assert response.status_code == 200
        return sorted(action["title"] for action in response.get_json())

    def head(self) -> int:
        with self.app.app_context():
            return current_pmo().ledger.max_position()


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("PMO_SQLITE_TIMEOUT", "1")
    built = FaultySite(tmp_path / "store")
    yield built
    built.close()


def refused(response, status: int, kind: str, api: bool) -> None:
    """The answer names the fault: problem+json for the API, a page for a person."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status == 503:
        assert int(response.headers["Retry-After"]) > 0
    else:
        assert "Retry-After" not in response.headers
    if api:
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert (problem["status"], problem["store_fault"]) == (status, kind)
        assert "reload first" in problem["detail"]
    else:
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert f'<p class="error-status">{status}</p>' in page and "reload first" in page


def attempt_while_faulty(site: FaultySite, status: int, kind: str) -> None:
    """Both ways of writing are refused, and the ledger did not move."""
    before = site.head()
    refused(site.write_api("through the API"), status, kind, api=True)
    refused(site.write_form("through the form"), status, kind, api=False)
    assert site.head() == before


def retried_and_intact(site: FaultySite) -> None:
    """The same writes succeed now; the store is whole; each write is there once."""
    assert site.write_api("through the API").status_code == 201
    assert site.write_form("through the form").status_code == 303
    assert site.titles() == ["through the API", "through the form"]
    with closing(sqlite3.connect(site.path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    verified = CliRunner().invoke(make_cli(entry_points=False), ["--store", site.url, "audit", "verify"])
    assert verified.exit_code == 0 and verified.stdout.startswith("OK"), verified.output
    with site.app.app_context():
        pmo = current_pmo()
        caught_up = snapshot(pmo)
        pmo.rebuild()
        assert snapshot(pmo) == caught_up


# --- locked -------------------------------------------------------------------------------

LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
"""


def test_a_locked_store_answers_503_and_the_write_succeeds_once_it_is_released(site):
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(site.path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        attempt_while_faulty(site, 503, "locked")
        # Reading does not need the lock: the pages and the API still show the ledger.
        assert site.browser.get("/actions").status_code == 200
        assert site.titles() == []
    finally:
        locker.stdin.close()
        locker.wait(timeout=10)
    retried_and_intact(site)


# --- full -----------------------------------------------------------------------------------

def mount_small_tmpfs(folder: Path) -> None:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {done.stderr.strip()}")


def fill(folder: Path) -> Path:
    """Write a file until the filesystem has not one byte left."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 1 << 10, 1):  # big chunks, then down to the last byte
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_answers_507_and_the_write_succeeds_once_there_is_room(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path / "var"))
    disk = tmp_path / "disk"
    mount_small_tmpfs(disk)
    site = None
    try:
        site = FaultySite(disk)
        # Empty the write-ahead log into the file, so the next write must grow it.
        with closing(sqlite3.connect(site.path)) as db:
            assert db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        filler = fill(disk)
        attempt_while_faulty(site, 507, "full")
        filler.unlink()
        retried_and_intact(site)
    finally:
        if site is not None:
            site.close()
        if subprocess.run(["umount", str(disk)]).returncode != 0:
            subprocess.run(["umount", "--lazy", str(disk)], check=True)  # then fail the test
            raise AssertionError("the store's tmpfs was still in use after the app closed")


def every_new_connection_runs(monkeypatch, pragma: str) -> None:
    """SQLite connections opened from now on (the ledger's and the read models') run ``pragma``."""
    original = sqlite3.connect

    def connect(*args, **kwargs):
        connection = original(*args, **kwargs)
        connection.execute(pragma)
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)  # the name SQLAlchemy calls


def test_a_full_database_answers_507_stand_in_max_page_count(site, monkeypatch):
    close_app(site.app)
    with closing(sqlite3.connect(site.path)) as db:
        db.execute("VACUUM")  # no free pages left to absorb the write
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    with monkeypatch.context() as patched:
        every_new_connection_runs(patched, f"PRAGMA max_page_count = {pages}")
        site.restart()
        attempt_while_faulty(site, 507, "full")
    site.restart()
    retried_and_intact(site)


# --- read-only ------------------------------------------------------------------------------

def chattr(flag: str, *paths: Path) -> None:
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make files immutable (needs root and a filesystem that has the flag): "
                    f"{done.stderr.strip()}")


def test_a_read_only_store_answers_503_and_the_write_succeeds_once_it_is_writable(site):
    files = [site.path, Path(f"{site.path}-wal")]
    assert all(f.exists() for f in files)
    chattr("+i", *files)
    try:
        attempt_while_faulty(site, 503, "read-only")
        assert site.browser.get("/actions").status_code == 200  # reading still works
    finally:
        subprocess.run(["chattr", "-i", *map(str, files)], check=True)
    retried_and_intact(site)

