"""Risk plugin fixtures: the plugin enabled on a core install, projects, callers by role."""
from __future__ import annotations

import pytest

from events.context import command_context
from tests.conftest import auth, login


class Caller:
    """A script calling the API with one user's bearer token."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def open(self, method: str, url: str, headers: dict | None = None, **kwargs):
        sent = {**(auth(self.token) if self.token else {}), **(headers or {})}
        return self.client.open(url, method=method, headers=sent, **kwargs)

    def get(self, url, **kw):
        return self.open("GET", url, **kw)

    def post(self, url, **kw):
        return self.open("POST", url, **kw)

    def patch(self, url, **kw):
        return self.open("PATCH", url, **kw)

    def put(self, url, **kw):
        return self.open("PUT", url, **kw)


@pytest.fixture
def the_pmo(app):
    """The app's PMO. Taken in a short app context: one held open would be shared by every
    request of the test client (and so would ``g`` and the signed-in user)."""
    from web.tenancy import current_pmo

    with app.app_context():
        return current_pmo()


@pytest.fixture
def enabled(the_pmo, people):
    """The risk plugin switched on by the admin, as on a core-only install that grows."""
    from core.services.plugins import enable_plugin

    with command_context(people["admin"]["username"], "We start a risk register"):
        enable_plugin(the_pmo, "risk")
    return the_pmo


@pytest.fixture
def places(the_pmo, people):
    """Programme PRG with P-OWN (managed by the manager); P-OTHER (managed by manager2)."""
    from core.services import portfolio, projects

    with command_context("setup", "test fixture"):
        programme = portfolio.register_programme(the_pmo, "PRG", "Digital")
        own = projects.register_project(the_pmo, "P-OWN", "Own project", manager=people["manager"]["username"],
                                        programme_id=programme.id)
        other = projects.register_project(the_pmo, "P-OTHER", "Other project",
                                          manager=people["manager2"]["username"])
    return {"PRG": programme.id, "P-OWN": own.id, "P-OTHER": other.id}


@pytest.fixture
def as_(client, people):
    """``as_("pmo").post(...)``: the API as the user of that role ("anonymous": no token)."""
    def caller(role: str) -> Caller:
        return Caller(client, None if role == "anonymous" else people[role]["token"])
    return caller


@pytest.fixture
def sign_in(client, people):
    """``sign_in("manager")``: the browser client signed in as that role."""
    def signer(role: str):
        login(client, people[role]["username"], people[role]["password"])
        return client
    return signer


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    return response.get_json()
