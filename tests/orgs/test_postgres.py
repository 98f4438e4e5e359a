"""Two organisations as PostgreSQL schemas of one database: the same promises as on SQLite.

Schema names are unique per run (``platform_<hex>``, ``org_a<hex>``, ``org_b<hex>``): other
test runs share the database. They are dropped afterwards, whatever happened.
"""
from __future__ import annotations

import os
import uuid

import pytest

from tests.conftest import PG_URL, auth, pg_available
from tests.orgs.conftest import build_orgs_world
from tests.orgs.test_suspension_and_export import run

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_world():
    if not pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (CI=true: not skipping)")
        pytest.skip("PostgreSQL is not reachable")
    run_id = uuid.uuid4().hex[:8]
    slugs = (f"a{run_id}", f"b{run_id}")
    schemas = [f"platform_{run_id}", *(f"org_{slug}" for slug in slugs)]
    world = None
    try:
        world = build_orgs_world(f"{PG_URL}?schema={schemas[0]}", slugs=slugs)
        yield world, slugs
    finally:
        import psycopg

        from web.tenancy import close_orgs

        if world is not None:
            close_orgs(world.app)
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_two_orgs_in_one_database_stay_apart_suspend_and_export(pg_world, tmp_path):
    world, (a, b) = pg_world
    env = {"PMO_PLATFORM_STORE": world.platform_url}
    url = world.runtime.settings.stores.org_store_url(a)
    assert f"schema=org_{a}" in url and "pool_size=1" in url  # a schema each, small pools

    # The projects family, with B's admin token aimed at A: nothing read, nothing written.
    intruder = auth(world.people[b]["admin"]["token"])
    client = world.app.test_client(use_cookies=False)
    head_a = world.head(a)
    code_a = f"P-{a.upper()}"
    for method, path in (("GET", "/api/projects"), ("GET", f"/api/projects/{code_a}"), ("POST", "/api/projects"),
                         ("PATCH", f"/api/projects/{code_a}"), ("GET", "/projects/"), ("GET", f"/projects/{code_a}")):
        answer = client.open(f"/o/{a}{path}", method=method, headers=intruder,
                             json={"code": "P-X", "name": "x"} if method != "GET" else None)
        assert answer.status_code in (401, 302, 404), (method, path, answer.status_code)
        if answer.status_code == 302:
            assert answer.headers["Location"].startswith(f"/o/{a}/login")
    assert world.head(a) == head_a
    mine = client.get(f"/o/{a}/api/projects", headers=auth(world.people[a]["viewer"]["token"])).get_json()
    assert [p["code"] for p in mine] == [code_a]
    # A plugin's Location carries the organisation's prefix.
    made = client.post(f"/o/{a}/api/risks", headers=auth(world.people[a]["pmo"]["token"]),
                       json={"title": "Supplier late", "owner": "pmo", "project_id": str(world.projects[a]),
                             "probability": 3, "impact": 4})
    assert made.status_code == 201, made.get_json()
    assert made.headers["Location"].startswith(f"/o/{a}/api/risks/")
    assert client.get(made.headers["Location"], headers=auth(world.people[a]["viewer"]["token"])).status_code == 200

    # Suspending B refuses its API and sign-in with the reason; its ledger still verifies.
    head_b = world.head(b)
    assert run("orgs", "suspend", b, "--reason", "invoice unpaid", env=env).exit_code == 0
    api = client.get(f"/o/{b}/api/projects", headers=auth(world.people[b]["viewer"]["token"]))
    assert api.status_code == 403 and "invoice unpaid" in api.get_json()["detail"]
    assert client.get(f"/o/{b}/login").status_code == 403
    verified = run("audit", "verify", "--org", b, env=env)
    assert verified.exit_code == 0 and verified.stdout.startswith(f"OK: {head_b} records"), verified.stdout
    assert run("orgs", "resume", b, "--reason", "paid", env=env).exit_code == 0

    # A's export loads into a fresh single-organisation install (SQLite) with the same head.
    source = run("audit", "verify", "--org", a, env=env)
    assert source.exit_code == 0, source.stdout
    assert run("orgs", "export", a, str(tmp_path / "a.jsonl"), env=env).exit_code == 0
    fresh = f"sqlite:///{tmp_path}/fresh.sqlite"
    assert run("--store", fresh, "restore", str(tmp_path / "a.jsonl")).exit_code == 0
    restored = run("--store", fresh, "audit", "verify")
    assert restored.exit_code == 0
    assert restored.stdout.split("chain head ")[1] == source.stdout.split("chain head ")[1]
