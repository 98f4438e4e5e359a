"""The auditor's command line: verify, export, verify offline, copy to PostgreSQL and back."""
import re
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from core.demo import load_demo
from tests.conftest import close_app, drop_pg_schema, login, make_app, postgres_store_url
from tests.test_backup import assert_names, write_people
from web.cli import make_cli
from web.tenancy import open_pmo

CSRF = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')


def pmo_cli(*args):
    result = CliRunner().invoke(make_cli(entry_points=False), list(args))
    return result.exit_code, result.output


@pytest.fixture
def demo_store(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    url = f"sqlite:///{tmp_path}/pmo.sqlite"
    pmo = open_pmo(url, entry_points=False)
    load_demo(pmo, date(2026, 11, 23), enable_plugins=False)
    pmo.close()
    return url, tmp_path / "pmo.sqlite"


def test_verify_names_the_first_changed_record(demo_store):
    url, path = demo_store
    with sqlite3.connect(path) as db:
        stored = db.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    code, out = pmo_cli("--store", url, "audit", "verify")
    assert code == 0 and f"OK: {stored} records" in out
    with sqlite3.connect(path) as db:
        state = db.execute("SELECT state FROM stored_events WHERE rowid = 42").fetchone()[0]
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = 42", (state.replace(b'"', b"'", 1),))
    code, out = pmo_cli("--store", url, "audit", "verify")
    assert code == 1 and "FAILED at position 42" in out


def test_an_export_verifies_offline_and_fails_once_edited(demo_store, tmp_path):
    url, _ = demo_store
    export = tmp_path / "march.csv"
    code, _ = pmo_cli("--store", url, "audit", "export", "--from", "2026-03-01", "--to", "2026-03-31",
                      "--format", "csv", "-o", str(export))
    assert code == 0
    _, key = pmo_cli("--store", url, "audit", "public-key")
    code, out = pmo_cli("--store", "memory://", "audit", "verify", "--export", str(export),
                        "--public-key", key.strip())
    assert code == 0 and out.startswith("OK")
    text = export.read_text()
    export.write_text(text.replace("amber", "green", 1))
    code, out = pmo_cli("--store", "memory://", "audit", "verify", "--export", str(export))
    assert code == 1 and "FAILED" in out


def pages(store):
    app = make_app(store)
    client = app.test_client()
    login(client, "pieter", "pieter-demo")
    urls = ["/", "/projects", "/projects/DIG-01", "/decisions", "/actions", "/?as_of=2026-03-12"]
    result = {u: CSRF.sub("", client.get(u).get_data(as_text=True)) for u in urls}
    close_app(app)
    return result


def test_copy_to_postgresql_and_back_gives_the_same_pages_and_chain_head(demo_store, tmp_path):
    url, _ = demo_store
    pg = postgres_store_url()
    back = f"sqlite:///{tmp_path}/back.sqlite"
    try:
        code, out = pmo_cli("--store", url, "ledger", "copy", "--to", pg)
        assert code == 0, out
        head = re.search(r"chain head (\w+)", out).group(1)
        code, out = pmo_cli("--store", pg, "ledger", "copy", "--to", back)
        assert code == 0 and head in out
        original = pages(url)
        assert pages(pg) == original
        assert pages(back) == original
    finally:
        drop_pg_schema(pg)


@pytest.mark.postgres
def test_a_ledger_copied_to_postgresql_and_back_reads_the_names_and_keeps_erasures(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    url = f"sqlite:///{tmp_path}/people.sqlite"
    anna, bo = write_people(url)
    pg = postgres_store_url()
    back = f"sqlite:///{tmp_path}/back.sqlite"
    try:
        for source, target in ((url, pg), (pg, back)):
            code, out = pmo_cli("--store", source, "ledger", "copy", "--to", target)
            assert code == 0, out
            assert_names(target, anna, bo)
    finally:
        drop_pg_schema(pg)
