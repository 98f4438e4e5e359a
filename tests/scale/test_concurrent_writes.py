"""Scale-out on PostgreSQL: gunicorn workers and a separate projection process share one store.

Several writer processes change the same project and their own ones at once through the
HTTP API. Whatever the interleaving: every write that was acknowledged is in the ledger,
the log has no gaps, a write on a stale version is answered 409 (and writes nothing), and
the read models the projection process built are the ones a rebuild builds.
"""
from __future__ import annotations

import base64
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.domain.project import Project
from core.services import projects, users
from events.context import command_context
from tests.conftest import drop_pg_schema, postgres_store_url
from tests.scale.writers import write

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
ROUNDS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_models(pmo) -> dict[str, list[tuple]]:
    """Every active read-model table's rows (without the surrogate row id), sorted."""
    dump = {}
    with pmo.read() as conn:
        for name in pmo.active_projections():
            for table in pmo.runner.projections[name].metadata.sorted_tables:
                columns = [c for c in table.c if c.key != "row_id"]
                dump[table.name] = sorted(conn.execute(sa.select(*columns)).all(), key=repr)
    return dump


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def store(monkeypatch):
    url = postgres_store_url()
    # One audit key for this process and the servers, so the seals they write verify here.
    monkeypatch.setenv("PMO_AUDIT_KEY", base64.b64encode(os.urandom(32)).decode())
    yield url
    drop_pg_schema(url)


def test_concurrent_writers_lose_nothing_and_the_read_models_converge(store, tmp_path):
    from web.tenancy import open_pmo

    pmo = open_pmo(store, entry_points=False)
    codes = ["SHARED", *(f"OWN-{n}" for n in range(WRITERS))]
    with command_context("setup", "scale-out test"):
        writer = users.create_user(pmo, "writer", "writer-password-1", "pmo")
        _, token = users.issue_token(pmo, writer.id, "scale test")
        for code in codes:
            projects.register_project(pmo, code=code, name=f"{code} v1")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PMO_STORE": store, "PMO_BIND": f"127.0.0.1:{port}", "PMO_WORKERS": "2",
           "PMO_PROJECTIONS": "external", "PMO_SECRET_KEY": "scale-test", "PMO_LOG_LEVEL": "warning"}
    bin_dir = Path(sys.executable).parent
    log = open(tmp_path / "servers.log", "wb")
    servers = [
        subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "web.wsgi:app"], cwd=ROOT, env=env,
                         stdout=log, stderr=log),
        subprocess.Popen([str(bin_dir / "pmo"), "--store", store, "projections", "run", "--interval", "0.05"],
                         cwd=ROOT, env=env, stdout=log, stderr=log),
    ]
    try:
        wait_until(lambda: ready(base), 90, "gunicorn to get ready")
        spawn = multiprocessing.get_context("spawn")
        barrier, results = spawn.Barrier(WRITERS), spawn.Queue()
        writers = [spawn.Process(target=write, args=(base, token, n, "SHARED", f"OWN-{n}", ROUNDS, barrier, results))
                   for n in range(WRITERS)]
        for process in writers:
            process.start()
        logs = dict(results.get(timeout=240) for _ in writers)
        for process in writers:
            process.join(timeout=30)
        answers = [entry for entries in logs.values() for entry in entries]
        server_log = (tmp_path / "servers.log").read_text()[-3000:]
        assert not [a for a in answers if "error" in a], (answers, server_log)

        # Version conflicts are 409s with the current version; nothing else failed.
        assert {a["status"] for a in answers} <= {200, 409}, answers
        race = [a for a in answers if a["name"].startswith("race won")]
        assert sorted(a["status"] for a in race) == [200] + [409] * (WRITERS - 1)
        assert all(a["current_version"] for a in answers if a["status"] == 409)
        assert all(a["status"] == 200 for a in answers if a["project"].startswith("OWN-"))

        # The projection process catches up with the head on its own.
        head = pmo.ledger.max_position()
        wait_until(lambda: min(pmo.runner.positions()[n] for n in pmo.active_projections()) >= head,
                   60, "the projection process to catch up")
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()

    # No acknowledged write lost, and nothing refused was written.
    acknowledged = [a for a in answers if a["status"] == 200]
    names_in_ledger = [e.name for _, e in pmo.ledger.read_log() if type(e).TOPIC == "core.Project.Updated"]
    assert sorted(names_in_ledger) == sorted(a["name"] for a in acknowledged)
    for a in acknowledged:
        if a["if_match"] is not None:  # written on top of the version it named
            version = pmo.ledger.repository.get(Project.create_id(a["project"]), version=a["if_match"] + 1)
            assert version.name == a["name"]

    # No gaps in the log.
    positions = [p for p, _ in pmo.ledger.read_log()]
    assert positions == list(range(1, len(positions) + 1))

    # The read models built live are the ones a rebuild builds.
    live = read_models(pmo)
    pmo.rebuild()
    assert read_models(pmo) == live
    last = {a["project"]: a["name"] for a in acknowledged if a["if_match"] is not None}
    shared_now = pmo.get(Project, Project.create_id("SHARED"))
    from core import queries
    assert queries.get_project(pmo, "SHARED")["name"] == shared_now.name
    assert {code: queries.get_project(pmo, code)["name"] for code in last if code != "SHARED"} == \
        {code: name for code, name in last.items() if code != "SHARED"}
    pmo.close()
