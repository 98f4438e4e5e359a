"""Resources plugin fixtures: a plan on a bare PMO (no web), and the app with callers by role."""
from __future__ import annotations

from datetime import date

import pytest

from events.context import command_context
from tests.conftest import auth, login

MAY = date(2026, 5, 1)


@pytest.fixture
def plan(pmo):
    """A core install that switched the resources plugin on, with three projects."""
    from core.services import plugins, projects

    with command_context("admin", "P3M3 level 3: resource planning"):
        plugins.enable_plugin(pmo, "resources")
    with command_context("pia", "intake"):
        ids = {code: projects.register_project(pmo, code, f"Project {code}").id for code in ("P-1", "P-2", "P-3")}
    return {"pmo": pmo, **ids}


@pytest.fixture
def the_pmo(app):
    """The app's PMO, taken in a short app context (a held one would share ``g`` between requests)."""
    from web.tenancy import current_pmo

    with app.app_context():
        return current_pmo()


@pytest.fixture
def enabled(the_pmo, people):
    from core.services.plugins import enable_plugin

    with command_context(people["admin"]["username"], "We plan our people"):
        enable_plugin(the_pmo, "resources")
    return the_pmo


@pytest.fixture
def places(the_pmo, people):
    """P-OWN (managed by the manager) and P-OTHER (by manager2)."""
    from core.services import projects

    with command_context("setup", "test fixture"):
        own = projects.register_project(the_pmo, "P-OWN", "Own project", manager=people["manager"]["username"])
        other = projects.register_project(the_pmo, "P-OTHER", "Other project", manager=people["manager2"]["username"])
    return {"P-OWN": own.id, "P-OTHER": other.id}


class Caller:
    """A script calling the API with one user's bearer token."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, auth(token)

    def __getattr__(self, method: str):
        return lambda url, **kw: self.client.open(url, method=method.upper(),
                                                  headers={**self.headers, **kw.pop("headers", {})}, **kw)


@pytest.fixture
def as_(client, people):
    return lambda role: Caller(client, people[role]["token"])


@pytest.fixture
def sign_in(client, people):
    def signer(role: str):
        login(client, people[role]["username"], people[role]["password"])
        return client
    return signer


def answer(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()
