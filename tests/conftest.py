"""Shared fixtures: a PMO on any store, the app, its clients, and one user per role."""
from __future__ import annotations

import os
import re
import uuid

import pytest

from events.context import command_context

# Cheap password hashing for tests only (see core.services.users.HASH_METHOD).
os.environ.setdefault("PMO_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

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
    kind = os.environ.get("PMO_TEST_STORE", "memory")
    url = {"postgres": postgres_store_url, "sqlite": lambda: f"sqlite:///{tmp_path}/pmo.sqlite"}.get(
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
