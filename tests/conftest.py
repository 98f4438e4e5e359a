"""Shared fixtures: a PMO on any store, the app, its clients, and one user per role."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid

import pytest

from events.context import command_context

# Cheap password hashing for tests only (see core.services.users.HASH_METHOD).
os.environ.setdefault("PMO_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

# Tests that share one expensive thing run on one worker under pytest-xdist (``make test``
# runs ``-n auto --dist loadgroup``). The kill -9 tests run real gunicorns and time their
# kills: one after another, they do not fight each other for the two cores.
XDIST_GROUPS = {
    "tests/reliability/test_crash_sqlite.py": "crash",
    "tests/reliability/test_crash_postgres.py": "crash",
    "tests/reliability/test_projection_crash.py": "crash",
}


def pytest_configure(config):
    # var/ of the working tree would be shared by parallel workers and other runs: each test
    # process keeps its generated keys (audit_key, secret_key) in a folder of its own.
    config._pmo_var = tempfile.mkdtemp(prefix="pmo-test-var-")
    os.environ["PMO_VAR"] = config._pmo_var


def pytest_unconfigure(config):
    if getattr(config, "_pmo_var", None):
        shutil.rmtree(config._pmo_var, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups off the items
def pytest_collection_modifyitems(config, items):
    """Keep a module (or package) on one xdist worker when its tests share a module- (or
    package-) scoped fixture: it is built once, not once per worker, and the tests that
    build on each other's changes (browser tests on one server) see them in order."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        path = item.nodeid.split("::", 1)[0]
        group = XDIST_GROUPS.get(path) or _shared_fixture_scope(item, path)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(optionalhook=True)  # an xdist hook: a worker is done
def pytest_testnodedown(node, error):
    from collections import Counter

    stats = getattr(node, "workeroutput", {}).get("property_stats")
    if stats:
        node.config.stash.setdefault(_PROPERTY_STATS, Counter()).update(stats)


_PROPERTY_STATS = pytest.StashKey()


def pytest_terminal_summary(terminalreporter, config):
    """The property tests' figures when workers ran them (tests/properties/conftest.py prints
    them in a run without workers)."""
    from tests.properties.stats import summary_line

    stats = config.stash.get(_PROPERTY_STATS, None)
    line = stats and summary_line(stats)
    if line:
        terminalreporter.write_line(line)


def _shared_fixture_scope(item, path: str) -> str | None:
    fixturedefs = [defs[-1] for defs in getattr(item, "_fixtureinfo").name2fixturedefs.values() if defs]
    packages = [d.baseid for d in fixturedefs if d.scope == "package"]
    if packages:
        return min(packages, key=len) or path
    if any(d.scope == "module" for d in fixturedefs):
        return path
    return None

PG_URL = os.environ.get("PMO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ROLES = ("admin", "pmo", "manager", "viewer", "auditor")
PASSWORD = "correct-horse-{role}"


def pg_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def postgres_store_url() -> str:
    """A fresh schema per test; fails (not skips) under CI=true when PostgreSQL is down."""
    if not pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (CI=true: not skipping)")
        pytest.skip("PostgreSQL is not reachable")
    return f"{PG_URL}?schema=t_{uuid.uuid4().hex[:12]}"


def drop_pg_schema(url: str) -> None:
    import psycopg

    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """Every store the ledger runs on: the contract tests take this fixture."""
    if request.param == "memory":
        yield "memory://"
    elif request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/pmo.sqlite"
    else:
        url = postgres_store_url()
        yield url
        drop_pg_schema(url)


@pytest.fixture
def pmo():
    """A PMO on the in-memory store with no plugins from entry points."""
    from web.tenancy import open_pmo

    instance = open_pmo("memory://", entry_points=False)
    yield instance
    instance.close()


@pytest.fixture
def as_pmo_officer():
    """Run the test body's commands as the PMO officer 'pia'."""
    with command_context("pia", "test", "test-correlation") as ctx:
        yield ctx


def make_app(store_url: str = "memory://", **config):
    from web.app import create_app

    return create_app({
        "TESTING": True, "PMO_STORE": store_url, "SECRET_KEY": "test-secret",
        "PMO_ENTRY_POINTS": False, **config,
    })


@pytest.fixture
def app(tmp_path):
    """The app on PMO_TEST_STORE (memory by default; 'sqlite' or 'postgres' run every web
    test on that store instead: ``PMO_TEST_STORE=postgres make test``)."""
    yield from _app_on_test_store(tmp_path)


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One app for all tests of a module, for modules whose tests only read, or are refused
    and write nothing (each test asserts that): an app takes about a second to build.
    A module opts in by overriding ``app`` and ``people`` with ``shared_app`` and ``shared_people``."""
    yield from _app_on_test_store(tmp_path_factory.mktemp("shared-app"))


@pytest.fixture(scope="module")
def shared_people(shared_app):
    """``people`` of the module's ``shared_app``."""
    return make_people(shared_app)


def _app_on_test_store(folder):
    kind = os.environ.get("PMO_TEST_STORE", "memory")
    url = {"postgres": postgres_store_url, "sqlite": lambda: f"sqlite:///{folder}/pmo.sqlite"}.get(
        kind, lambda: "memory://")()
    app = make_app(url)
    yield app
    close_app(app)
    if kind == "postgres":
        drop_pg_schema(url)


def close_app(app) -> None:
    """Release the app's database connections (PostgreSQL would run out of them)."""
    for pmo in app.extensions.get("pmo", {}).values():
        pmo.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def people(app):
    """One user per role (the manager manages project P-OWN), each with an API token.

    Returns ``{role: {"username", "password", "token", "id"}}`` plus "manager2", a manager of
    no project.
    """
    return make_people(app)


def make_people(app) -> dict[str, dict]:
    from core.services import users
    from web.tenancy import current_pmo

    result = {}
    with app.app_context():
        pmo = current_pmo()
        with command_context("setup", "test fixture"):
            for role in (*ROLES, "manager2"):
                username = f"{role}-user"
                password = PASSWORD.format(role=role)
                user = users.create_user(pmo, username, password, "manager" if role == "manager2" else role,
                                         display_name=f"{role.title()} User")
                _token_id, token = users.issue_token(pmo, user.id, "tests")
                result[role] = {"username": username, "password": password, "token": token, "id": user.id}
    return result


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, username: str, password: str) -> None:
    """Sign in through the real form, CSRF token included."""
    page = client.get("/login")
    response = client.post("/login", data={
        "username": username, "password": password, "csrf_token": csrf_token_from(page.get_data(as_text=True)),
    })
    assert response.status_code == 302, response.get_data(as_text=True)
